// The training loop. The images stay in TensorFlow; per epoch a shuffled
// order and ε are drawn in JS (seeded), then each step gathers its batch's
// rows, computes the hand-derived gradients and applies one Adam update.
// Losses stay tensors and are read back in small groups, not per step.
import type { Tensor, Tensor2D } from "@tensorflow/tfjs-node";
import type { TF } from "../engine/tensorflow.ts";
import { type AdamConfig, createStore, type ParamState, type ParamStore } from "./adam.ts";
import { type Kernels, makeKernels } from "./kernels.ts";
import type { Architecture } from "./params.ts";
import { deriveSeed, makeRandom, normalArray, permutation } from "./rng.ts";
import { decode, lossAndGradients, lossTerms, type ReconstructionLoss } from "./vae.ts";

export interface TrainerConfig {
  arch: Architecture;
  batchSize: number;
  learningRate: number;
  loss: ReconstructionLoss;
  seed: number;
  /** "portable" forces the public tfjs ops even on the native backend. */
  kernels?: "native" | "portable";
}

/** Per-image means of each batch of one epoch. */
export interface EpochLosses {
  reconstruction: number[];
  kl: number[];
  sizes: number[];
  durationMs: number;
}

export interface EpochOptions {
  signal?: AbortSignal;
  /** After each step: images so far this epoch, running mean loss (when known). */
  onStep?(images: number, runningLoss: number | undefined): void;
}

export interface Trainer {
  readonly kernels: Kernels;
  readonly store: ParamStore;
  trainEpoch(epoch: number, options?: EpochOptions): Promise<EpochLosses>;
  /** Mean reconstruction and KL per image, one z sample each with a fixed ε. */
  evaluate(images: Tensor2D): { reconstruction: number; kl: number };
  /** Decoded images for latent points [n, latentDim], as floats in [0, 1]. */
  decode(z: Float32Array): Float32Array;
  dispose(): void;
}

// Gradients are of the batch sum, not the mean: that saves a scaling op per
// step. Adam is invariant to the gradient's scale except through ε, so ε is
// scaled by the batch size instead, which makes the update exactly that of
// the mean loss.
export function adamFor(config: TrainerConfig): AdamConfig {
  return {
    learningRate: config.learningRate,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7 * config.batchSize,
  };
}

// Reading losses waits for nothing (tfjs-node runs ops synchronously), but
// each read is a round trip, so they are batched; between reads the loop
// yields to the event loop, so an abort signal or a timer can fire.
const READ_EVERY_MS = 200;

export function createTrainer(
  tf: TF,
  train: Tensor2D,
  config: TrainerConfig,
  state: ParamState,
): Trainer {
  const kernels = makeKernels(tf, config.kernels);
  const store = createStore(tf, config.arch, state, adamFor(config), config.kernels);
  const [count, pixels] = train.shape;
  const { latentDim } = config.arch;
  const testNoise = new Map<number, Tensor>();

  /** One Adam step on the rows `indices`; returns the batch's summed [reconstruction, kl]. */
  const step = (indices: Int32Array, epsilon: Float32Array): [Tensor, Tensor] => {
    const size = indices.length;
    const out = tf.tidy(() => {
      const x = kernels.gatherRows(train, tf.tensor1d(indices, "int32"));
      const noise = tf.tensor2d(epsilon, [size, latentDim]);
      const { grads, reconstruction, kl } = lossAndGradients(
        kernels,
        store.read(),
        x,
        noise,
        config.loss,
      );
      // A short last batch: rescale its sum to the full batch size (see adamFor).
      if (size !== config.batchSize) {
        const factor = kernels.constant(config.batchSize / size);
        for (const name of Object.keys(grads) as (keyof typeof grads)[]) {
          grads[name] = kernels.mul(grads[name], factor);
        }
      }
      return { grads, reconstruction, kl };
    });
    store.applyAdam(out.grads);
    tf.dispose(Object.values(out.grads));
    return [out.reconstruction, out.kl];
  };

  return {
    kernels,
    store,
    async trainEpoch(epoch, options = {}) {
      const started = performance.now();
      const order = permutation(count, makeRandom(deriveSeed(config.seed, "shuffle", epoch)));
      const epsilon = normalArray(
        count * latentDim,
        makeRandom(deriveSeed(config.seed, "epsilon", epoch)),
      );
      const result: EpochLosses = { reconstruction: [], kl: [], sizes: [], durationMs: 0 };
      let pending: Tensor[] = [];
      let lastRead = started;
      let sum = 0;
      let seen = 0;
      const readPending = () => {
        if (pending.length === 0) return;
        const values = tf.tidy(() => tf.stack(pending).dataSync());
        tf.dispose(pending);
        pending = [];
        for (let i = 0; i < values.length; i += 2) {
          const size = result.sizes[result.reconstruction.length] as number;
          const rec = (values[i] as number) / size;
          const kl = (values[i + 1] as number) / size;
          result.reconstruction.push(rec);
          result.kl.push(kl);
          sum += (rec + kl) * size;
          seen += size;
        }
      };
      try {
        for (let start = 0; start < count; start += config.batchSize) {
          options.signal?.throwIfAborted();
          const size = Math.min(config.batchSize, count - start);
          result.sizes.push(size);
          const end = start + size;
          pending.push(
            ...step(
              order.subarray(start, end),
              epsilon.subarray(start * latentDim, end * latentDim),
            ),
          );
          const now = performance.now();
          if (now - lastRead >= READ_EVERY_MS) {
            readPending();
            lastRead = now;
            await new Promise((resolve) => setImmediate(resolve));
          }
          options.onStep?.(start + size, seen > 0 ? sum / seen : undefined);
        }
        readPending();
      } finally {
        tf.dispose(pending);
      }
      result.durationMs = performance.now() - started;
      return result;
    },
    evaluate(test) {
      const [rows] = test.shape;
      let noise = testNoise.get(rows);
      if (!noise) {
        const values = normalArray(rows * latentDim, makeRandom(deriveSeed(config.seed, "test")));
        noise = tf.tensor2d(values, [rows, latentDim]);
        testNoise.set(rows, noise);
      }
      const chunk = 1024;
      const parts: Tensor[] = [];
      for (let start = 0; start < rows; start += chunk) {
        const size = Math.min(chunk, rows - start);
        parts.push(
          tf.tidy(() => {
            const x = tf.slice(test, [start, 0], [size, pixels]);
            const epsilon = tf.slice(noise, [start, 0], [size, latentDim]);
            const terms = lossTerms(kernels, store.read(), x, epsilon, config.loss);
            return tf.stack([terms.reconstruction, terms.kl]);
          }),
        );
      }
      const sums = tf.tidy(() => tf.sum(tf.stack(parts), 0).dataSync());
      tf.dispose(parts);
      return { reconstruction: (sums[0] as number) / rows, kl: (sums[1] as number) / rows };
    },
    decode(z) {
      return tf.tidy(() => {
        const points = tf.tensor2d(z, [z.length / latentDim, latentDim]);
        return decode(kernels, store.read(), points).dataSync() as Float32Array;
      });
    },
    dispose() {
      store.dispose();
      kernels.dispose();
      tf.dispose([...testNoise.values()]);
    },
  };
}
