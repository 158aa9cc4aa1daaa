// Evaluation math for the VAE: per image, the reconstruction term (Bernoulli
// negative log-likelihood, or summed squared error when training used "mse")
// at one sampled z, and the analytic KL(q(z|x) || N(0, I)). TensorFlow is
// passed in, so importing this module loads nothing heavy.
import type { LayersModel, Tensor } from "@tensorflow/tfjs-node";
import type { TF } from "../engine/tensorflow.ts";

export type ReconstructionLoss = "bce" | "mse";

/** Decoder probabilities are clipped to [CLIP, 1 - CLIP] inside the log. */
export const PROBABILITY_CLIP = 1e-7;

export interface ElboOptions {
  batchSize: number;
  seed: number;
  loss: ReconstructionLoss;
  signal?: AbortSignal;
  /** Called after each batch with the number of images it held. */
  onBatch?(images: number): void;
}

export interface PerImage {
  reconstruction: Float64Array;
  kl: Float64Array;
  /** [count, latentDim], row-major. */
  zMean: Float32Array;
  latentDim: number;
}

export interface Summary {
  /** Mean negative ELBO, reconstruction + KL; null when there are no images. */
  loss: number | null;
  reconstruction: number | null;
  kl: number | null;
  images: number;
}

// A counter-based generator: the noise of image i, dimension j depends only on
// (seed, i, j), so results do not change with the batch size.
function hash(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function uniform(seed: number, image: number, slot: number): number {
  const h = hash(hash(hash(seed ^ 0x5bd1e995) ^ image) + slot * 0x9e3779b9);
  return (h + 0.5) / 4294967296;
}

/** Standard normal noise for images start..start+count-1 (Box-Muller). */
export function gaussianNoise(
  seed: number,
  start: number,
  count: number,
  latentDim: number,
): Float32Array {
  const noise = new Float32Array(count * latentDim);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < latentDim; j++) {
      const u1 = uniform(seed, start + i, 2 * j);
      const u2 = uniform(seed, start + i, 2 * j + 1);
      noise[i * latentDim + j] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
  }
  return noise;
}

/** Pixels as floats in [0, 1], for images start..start+count-1. */
export function scalePixels(images: Uint8Array, start: number, count: number, pixels: number) {
  const out = new Float32Array(count * pixels);
  const from = start * pixels;
  for (let i = 0; i < out.length; i++) out[i] = (images[from + i] as number) / 255;
  return out;
}

/** Runs the encoder and decoder over all images in batches; no tensors outlive a batch. */
export async function evaluateElbo(
  tf: TF,
  encoder: LayersModel,
  decoder: LayersModel,
  images: Uint8Array,
  count: number,
  latentDim: number,
  options: ElboOptions,
): Promise<PerImage> {
  const pixels = images.length / count;
  const reconstruction = new Float64Array(count);
  const kl = new Float64Array(count);
  const zMean = new Float32Array(count * latentDim);
  for (let start = 0; start < count; start += options.batchSize) {
    options.signal?.throwIfAborted();
    const size = Math.min(options.batchSize, count - start);
    const out = tf.tidy(() => {
      const x = tf.tensor2d(scalePixels(images, start, size, pixels), [size, pixels]);
      const noise = tf.tensor2d(gaussianNoise(options.seed, start, size, latentDim), [
        size,
        latentDim,
      ]);
      const [mu, logVar] = encoder.predict(x, { batchSize: size }) as Tensor[];
      if (!mu || !logVar) throw new Error("encoder returned fewer than two outputs");
      const z = mu.add(logVar.mul(0.5).exp().mul(noise));
      const p = decoder.predict(z, { batchSize: size }) as Tensor;
      const recon =
        options.loss === "mse"
          ? x.sub(p).square().sum(1)
          : bernoulliNll(tf, x, p.clipByValue(PROBABILITY_CLIP, 1 - PROBABILITY_CLIP));
      const divergence = logVar.add(1).sub(mu.square()).sub(logVar.exp()).sum(1).mul(-0.5);
      return { recon, divergence, mu };
    });
    try {
      reconstruction.set(await out.recon.data(), start);
      kl.set(await out.divergence.data(), start);
      zMean.set(await out.mu.data(), start * latentDim);
    } finally {
      tf.dispose([out.recon, out.divergence, out.mu]);
    }
    options.onBatch?.(size);
  }
  return { reconstruction, kl, zMean, latentDim };
}

function bernoulliNll(tf: TF, x: Tensor, p: Tensor): Tensor {
  const one = tf.scalar(1);
  return x
    .mul(p.log())
    .add(one.sub(x).mul(one.sub(p).log()))
    .sum(1)
    .neg();
}

/** Means over the images whose index `keep` accepts (all by default). */
export function summarize(
  reconstruction: ArrayLike<number>,
  kl: ArrayLike<number>,
  keep: (index: number) => boolean = () => true,
): Summary {
  let images = 0;
  let rec = 0;
  let div = 0;
  for (let i = 0; i < reconstruction.length; i++) {
    if (!keep(i)) continue;
    images++;
    rec += reconstruction[i] as number;
    div += kl[i] as number;
  }
  if (images === 0) return { loss: null, reconstruction: null, kl: null, images };
  return { loss: (rec + div) / images, reconstruction: rec / images, kl: div / images, images };
}

/** One summary per label name, in label order; labels index `names`. */
export function summarizeByClass(
  reconstruction: ArrayLike<number>,
  kl: ArrayLike<number>,
  labels: ArrayLike<number>,
  names: readonly string[],
): Record<string, Summary> {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (label >= names.length) {
      throw new Error(`label ${label} at index ${i} is outside the ${names.length} classes`);
    }
  }
  const out: Record<string, Summary> = {};
  names.forEach((name, label) => {
    out[name] = summarize(reconstruction, kl, (i) => labels[i] === label);
  });
  return out;
}
