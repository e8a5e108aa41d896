// Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013). Keeps the
// visual shape of a series (peaks and dips survive) while cutting 86,400
// points to ~1,000, which is what keeps the charts view fast on long ranges.

export interface XY {
  x: number;
  y: number;
}

/**
 * Returns the indices of the points LTTB keeps, ascending. Working on indices
 * (not copies) lets callers keep whole samples and merge several series.
 * Non-finite y values are treated as 0 for the area computation only.
 */
export function lttbIndices(xs: ArrayLike<number>, ys: ArrayLike<number>, threshold: number): number[] {
  const n = xs.length;
  if (threshold >= n || threshold < 3) {
    const all = new Array<number>(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return threshold < 3 && n > threshold ? all.slice(0, Math.max(0, threshold)) : all;
  }
  const out: number[] = [0];
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    // average of the next bucket: the third point of the triangle
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += xs[j]!;
      avgY += finite(ys[j]!);
    }
    const len = nextEnd - nextStart || 1;
    avgX /= len;
    avgY /= len;
    // pick the point of this bucket forming the largest triangle with a and the average
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    const ax = xs[a]!;
    const ay = finite(ys[a]!);
    let maxArea = -1;
    let chosen = start;
    for (let j = start; j < end; j++) {
      const area = Math.abs((ax - avgX) * (finite(ys[j]!) - ay) - (ax - xs[j]!) * (avgY - ay));
      if (area > maxArea) {
        maxArea = area;
        chosen = j;
      }
    }
    out.push(chosen);
    a = chosen;
  }
  out.push(n - 1);
  return out;
}

/** LTTB over point objects; returns the kept points. */
export function lttb(points: readonly XY[], threshold: number): XY[] {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  return lttbIndices(xs, ys, threshold).map((i) => points[i]!);
}

const finite = (v: number) => (Number.isFinite(v) ? v : 0);
