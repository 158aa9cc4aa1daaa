// Round axis ticks: steps of 1, 2 or 5 times a power of ten that cover the
// data range with about `target` intervals, and labels with just enough decimals.

export interface Ticks {
  /** The axis runs from low to high, both multiples of step. */
  low: number;
  high: number;
  step: number;
  values: number[];
  decimals: number;
}

export function niceTicks(min: number, max: number, target = 5): Ticks {
  let lo = Number.isFinite(min) ? min : 0;
  let hi = Number.isFinite(max) ? max : 1;
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi - lo < 1e-12) {
    const pad = Math.abs(lo) > 1e-12 ? Math.abs(lo) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  const rough = (hi - lo) / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  const multiple = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  const step = multiple * power;
  const low = Math.floor(lo / step + 1e-9) * step;
  const high = Math.ceil(hi / step - 1e-9) * step;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const values: number[] = [];
  const count = Math.round((high - low) / step);
  for (let i = 0; i <= count; i++) values.push(Number((low + i * step).toFixed(decimals)));
  return { low, high, step, values, decimals };
}

/** A tick label: fixed decimals, and never "-0". */
export function formatTick(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}
