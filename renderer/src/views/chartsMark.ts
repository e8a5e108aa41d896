// Performance marks for "history arrived → charts drawn". recharts draws its
// curves in a follow-up render, so the mark waits (frame by frame) until every
// chart with data has its curves and the throughput curve holds every point.

declare global {
  interface Window {
    __gccChartsRender?: { version: number; ms: number; rows: number }[];
  }
}

export function markChartsRendered(version: number, maxFrames = 120): void {
  let frames = 0;
  const check = () => {
    const fig = document.querySelector<HTMLElement>('[data-testid="chart-throughput"]');
    const rows = Number(fig?.dataset.rows ?? 0);
    const d = fig?.querySelector('path.recharts-line-curve')?.getAttribute('d') ?? '';
    const others = [...document.querySelectorAll<HTMLElement>('figure.chart')].every(
      (f) => Number(f.dataset.rows ?? 0) < 2 || f.querySelector('path.recharts-line-curve') !== null,
    );
    const drawn = others && (rows < 2 || (d.match(/L/g)?.length ?? 0) >= rows - 1);
    if (!drawn && ++frames < maxFrames) {
      requestAnimationFrame(check);
      return;
    }
    performance.mark('gcc:charts-rendered');
    const start = performance.getEntriesByName('gcc:history-arrived', 'mark').at(-1);
    if (!start) return;
    const m = performance.measure('gcc:charts-render', 'gcc:history-arrived', 'gcc:charts-rendered');
    (window.__gccChartsRender ??= []).push({ version, ms: m.duration, rows });
  };
  check();
}
