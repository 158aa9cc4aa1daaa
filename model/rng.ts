// Seeded randomness that does not depend on the TensorFlow backend: a
// Weyl sequence passed through the MurmurHash3 finaliser, so every
// (seed, purpose, epoch) gets its own independent stream.

export type Random = () => number;

function mix(value: number): number {
  let t = value >>> 0;
  t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
  t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
  return (t ^ (t >>> 16)) >>> 0;
}

/** A seed for one purpose, e.g. deriveSeed(42, "shuffle", 3); never 0. */
export function deriveSeed(seed: number, ...parts: (string | number)[]): number {
  let h = mix(seed ^ 0x5bd1e995);
  for (const part of parts) {
    const text = String(part);
    for (let i = 0; i < text.length; i++) h = mix(h ^ Math.imul(text.charCodeAt(i), 0x9e3779b1));
    h = mix(h + 0x632be5ab);
  }
  // tf.random* treats a seed of 0 as "no seed".
  return (h % 2147483646) + 1;
}

/** Uniform numbers in [0, 1). */
export function makeRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    return mix(state) / 4294967296;
  };
}

/** Fisher–Yates shuffle of 0..n-1. */
export function permutation(n: number, random: Random): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}

/** `count` values uniform in [-bound, bound). */
export function uniformArray(count: number, bound: number, random: Random): Float32Array {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = (2 * random() - 1) * bound;
  return values;
}

/** `count` standard normal values (Box–Muller). */
export function normalArray(count: number, random: Random): Float32Array {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    values[i] = radius * Math.cos(angle);
    if (i + 1 < count) values[i + 1] = radius * Math.sin(angle);
  }
  return values;
}
