// Display formatting: one place, so every view prints numbers the same way.

export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return formatDuration(ms);
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  return `${d}d ${h % 24}h`;
}

/**
 * A setting's duration in the largest units that keep it exact, for forms and previews:
 * 3600000 → "1 h", 5400000 → "1 h 30 min", 1500 → "1.5 s", 250 → "250 ms".
 */
export function humanMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(3))} s`;
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
    ['ms', 1],
  ];
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n} ${name}`);
    rest -= n * size;
    if (parts.length === 2) break; // two units say it; the rest is noise at this scale
  }
  return rest > 0 ? `≈ ${parts.join(' ')}` : parts.join(' ');
}

export function formatBytes(b: number | null | undefined): string {
  if (b == null || !Number.isFinite(b) || b < 0) return '—';
  if (b < 1024) return `${b} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = b / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** A 0..1 ratio as a percentage. */
export function formatPct(ratio: number | null | undefined, digits = 1): string {
  if (ratio == null || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)} %`;
}

export function formatRate(perSec: number | null | undefined): string {
  if (perSec == null || !Number.isFinite(perSec)) return '—';
  if (perSec >= 10_000) return `${(perSec / 1000).toFixed(1)}k/s`;
  if (perSec >= 100) return `${Math.round(perSec)}/s`;
  return `${perSec.toFixed(perSec < 10 ? 2 : 1)}/s`;
}

export function formatCount(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US');
}

/** Clock time for axes and logs, local time zone. Long ranges also show the day. */
export function formatTime(t: number, withDate = false): string {
  const d = new Date(t);
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  const ss = String(d.getSeconds()).padStart(2, '0');
  if (!withDate) return `${hh}:${mm}:${ss}`;
  return `${d.getMonth() + 1}/${d.getDate()} ${hh}:${mm}`;
}

/** Fill of a bounded queue, clamped to 0..1 (capacity 0 reads as empty). */
export function fillRatio(depth: number, capacity: number): number {
  if (!(capacity > 0)) return 0;
  return Math.min(1, Math.max(0, depth / capacity));
}
