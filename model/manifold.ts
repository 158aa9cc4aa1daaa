// Grid points for the decoded manifold: evenly spaced latent values, or
// standard normal quantiles of evenly spaced probabilities, which put the
// cells where the prior N(0, 1) has its mass. Pure math, no TensorFlow.

export type Spacing = "quantile" | "linear";

export interface AxisOptions {
  grid: number;
  spacing: Spacing;
  /** Linear spacing covers -range..range. */
  range: number;
  /** Quantile spacing covers the probabilities low..high. */
  quantiles: readonly [number, number];
}

/** `count` evenly spaced values from `low` to `high`; a single point sits in the middle. */
export function evenlySpaced(count: number, low: number, high: number): number[] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`need a count >= 1, got ${count}`);
  if (count === 1) return [(low + high) / 2];
  // Weighted ends, so symmetric ranges give an exact middle and exact ends.
  const last = count - 1;
  return Array.from({ length: count }, (_, i) => (low * (last - i) + high * i) / last);
}

/** The latent values along one axis of the grid, in increasing order. */
export function axisValues(options: AxisOptions): number[] {
  if (options.spacing === "linear") {
    return evenlySpaced(options.grid, -options.range, options.range);
  }
  const [low, high] = options.quantiles;
  return evenlySpaced(options.grid, low, high).map(normalQuantile);
}

/**
 * The latent vectors of a grid, row-major from the top-left cell: cell (r, c)
 * holds z[0] = columns[c] and z[1] = rows[r], the other dimensions 0. Pass
 * rows top first, highest value first, so the picture reads like a plot.
 */
export function gridLatents(
  columns: readonly number[],
  rows: readonly number[],
  latentDim: number,
): Float32Array {
  if (latentDim < 2) throw new Error(`the manifold needs latentDim >= 2, got ${latentDim}`);
  const z = new Float32Array(columns.length * rows.length * latentDim);
  let cell = 0;
  for (const y of rows) {
    for (const x of columns) {
      z[cell * latentDim] = x;
      z[cell * latentDim + 1] = y;
      cell++;
    }
  }
  return z;
}

// erf(x) by its Maclaurin series; accurate to ~1e-13 for |x| < 3.
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= -x2 / n;
    const next = term / (2 * n + 1);
    sum += next;
    if (Math.abs(next) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

// erfc(x) for x >= 3 by its continued fraction, evaluated from the tail up:
// erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))).
function erfcFraction(x: number): number {
  let tail = x;
  for (let k = 120; k >= 1; k--) tail = x + k / 2 / tail;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / tail;
}

/** The standard normal CDF, with relative accuracy kept in both tails. */
export function normalCdf(x: number): number {
  const t = x / Math.SQRT2;
  if (t <= -3) return 0.5 * erfcFraction(-t);
  if (t >= 3) return 1 - 0.5 * erfcFraction(t);
  return 0.5 * (1 + erfSeries(t));
}

function normalDensity(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/**
 * The inverse standard normal CDF (probit): Newton steps on the CDF,
 * safeguarded by bisection, from a rough tail-based start.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    throw new Error(`normalQuantile needs 0 <= p <= 1, got ${p}`);
  }
  if (p === 0.5) return 0;
  // Solve in the lower tail, where the CDF keeps its relative precision.
  const q = p < 0.5 ? p : 1 - p;
  let low = -40;
  let high = 0;
  let x = -Math.sqrt(-2 * Math.log(q)) + 0.8;
  if (x >= high) x = -0.5;
  for (let i = 0; i < 200; i++) {
    const f = normalCdf(x) - q;
    if (f === 0) break;
    if (f < 0) low = x;
    else high = x;
    let next = x - f / normalDensity(x);
    if (!(next > low && next < high)) next = (low + high) / 2;
    const done = Math.abs(next - x) <= 1e-15 * Math.max(1, Math.abs(x));
    x = next;
    if (done) break;
  }
  return p < 0.5 ? x : -x;
}
