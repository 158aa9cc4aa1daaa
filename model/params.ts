// The VAE's parameters by name, their shapes, and PyTorch's default nn.Linear
// initialisation: kaiming_uniform(a=√5) weights, which is U(−1/√fanIn,
// 1/√fanIn), and biases from the same range. The two encoder heads, zMean and
// zLogVar, are stored side by side in one kernel: columns [0, latentDim) give
// zMean, [latentDim, 2·latentDim) give zLogVar.
import { deriveSeed, makeRandom, uniformArray } from "./rng.ts";

export interface Architecture {
  /** Pixels per image, 784 for 28x28. */
  inputDim: number;
  intermediateDim: number;
  latentDim: number;
}

export const PARAM_NAMES = [
  "encoderKernel",
  "encoderBias",
  "zKernel",
  "zBias",
  "decoderKernel",
  "decoderBias",
  "outputKernel",
  "outputBias",
] as const;

export type ParamName = (typeof PARAM_NAMES)[number];
export type Named<T> = Record<ParamName, T>;

export const INIT_SCHEME = "pytorch-default: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) weights and biases";

export function paramShapes(arch: Architecture): Named<number[]> {
  const { inputDim: d, intermediateDim: h, latentDim: l } = arch;
  return {
    encoderKernel: [d, h],
    encoderBias: [h],
    zKernel: [h, 2 * l],
    zBias: [2 * l],
    decoderKernel: [l, h],
    decoderBias: [h],
    outputKernel: [h, d],
    outputBias: [d],
  };
}

function fanIn(name: ParamName, arch: Architecture): number {
  if (name.startsWith("encoder")) return arch.inputDim;
  if (name.startsWith("decoder")) return arch.latentDim;
  return arch.intermediateDim;
}

export function initialParams(arch: Architecture, seed: number): Named<Float32Array> {
  const shapes = paramShapes(arch);
  const values = {} as Named<Float32Array>;
  for (const name of PARAM_NAMES) {
    const count = (shapes[name] as number[]).reduce((a, b) => a * b, 1);
    const random = makeRandom(deriveSeed(seed, "init", name));
    values[name] = uniformArray(count, 1 / Math.sqrt(fanIn(name, arch)), random);
  }
  return values;
}

export function countParams(arch: Architecture): number {
  const shapes = paramShapes(arch);
  return PARAM_NAMES.reduce((sum, n) => sum + shapes[n].reduce((a, b) => a * b, 1), 0);
}
