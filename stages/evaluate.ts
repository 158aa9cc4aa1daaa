// evaluate: the trained VAE's negative ELBO on the test set, overall and per
// class, and the latent means of every test image for the figures.
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { encodeNpy, type NpyArray, readNpy } from "../data/npy.ts";
import { nonNegativeInt, positiveInt } from "../engine/params.ts";
import type { Entry, Stage, StageContext } from "../engine/stage.ts";

export const LABEL_NAMES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

export const evaluateParams = z.strictObject({
  batchSize: positiveInt().default(1000),
  seed: nonNegativeInt().default(0),
});

export type EvaluateParams = z.infer<typeof evaluateParams>;

export interface MetricsSummary {
  loss: number | null;
  reconstruction: number | null;
  kl: number | null;
  images: number;
}

export interface Metrics {
  convention: string;
  reconstructionLoss: "bce" | "mse";
  latentDim: number;
  seed: number;
  test: MetricsSummary;
  perClass: Record<string, MetricsSummary>;
}

/** "mse" when the train params say the model was trained on squared error. */
export function reconstructionLossOf(trainParams: unknown): "bce" | "mse" {
  const loss = (trainParams as { loss?: unknown } | null | undefined)?.loss;
  return typeof loss === "string" && /mse|squared/i.test(loss) ? "mse" : "bce";
}

export function conventionText(loss: "bce" | "mse", seed: number): string {
  const reconstruction =
    loss === "mse"
      ? "reconstruction is the squared error summed over the 784 pixels of x = pixels/255 " +
        '(the train stage used loss "mse", so this term is not a log-likelihood and the ' +
        "total is the training objective rather than a bound in nats)"
      : "reconstruction is the Bernoulli negative log-likelihood, binary cross-entropy summed " +
        "over the 784 pixels of x = pixels/255 with decoder probabilities clipped to " +
        "[1e-7, 1 - 1e-7], in nats";
  return (
    `Per test image, averaged: loss = reconstruction + kl, the negative ELBO; ${reconstruction}; ` +
    "kl is the analytic KL(q(z|x) || N(0, I)) summed over latent dimensions, in nats; " +
    `one z sample per image from q(z|x), seeded (seed ${seed}).`
  );
}

function expectInput(context: StageContext<unknown>, role: string): Entry {
  const entry = context.inputs[role];
  if (!entry) throw new Error(`evaluate needs the "${role}" input`);
  return entry;
}

async function readTestSet(dir: string): Promise<{ images: NpyArray; labels: NpyArray }> {
  const images = await readNpy(path.join(dir, "test-images.npy"));
  const labels = await readNpy(path.join(dir, "test-labels.npy"));
  const count = images.shape[0] ?? 0;
  const pixels = images.shape.slice(1).reduce((a, b) => a * b, 1);
  if (images.dtype !== "uint8" || pixels !== 784 || count === 0) {
    throw new Error(
      `test-images.npy must be uint8 [M, 28, 28] with M > 0, found ${images.dtype} [${images.shape}]`,
    );
  }
  if (labels.dtype !== "uint8" || labels.shape.length !== 1 || labels.shape[0] !== count) {
    throw new Error(
      `test-labels.npy must be uint8 [${count}], found ${labels.dtype} [${labels.shape}]`,
    );
  }
  return { images, labels };
}

export const evaluateStage: Stage<EvaluateParams> = {
  worker: "evaluate",
  version: 1,
  description: "negative ELBO of the test set, overall and per class, and latent means",
  params: evaluateParams,
  inputs: { dataset: "convert", model: "train" },
  usesTensorflow: true,

  async run(context) {
    const dataset = expectInput(context, "dataset");
    const model = expectInput(context, "model");
    const { images, labels } = await readTestSet(dataset.dir);
    const count = labels.shape[0] as number;
    const loss = reconstructionLossOf(model.manifest.params);
    const { seed, batchSize } = context.params;

    const { tensorflow, loadEncoder, loadDecoder } = await import("../model/load.ts");
    const { evaluateElbo, summarize, summarizeByClass } = await import("../model/elbo.ts");
    const { tf, info } = tensorflow();
    context.log.info(`evaluating ${count} test images on ${info.backend} (${loss})`);
    const encoder = await loadEncoder(tf, model.dir);
    const decoder = await loadDecoder(tf, model.dir).catch((error: unknown) => {
      encoder.model.dispose();
      throw error;
    });
    let perImage: Awaited<ReturnType<typeof evaluateElbo>>;
    try {
      if (decoder.latentDim !== encoder.latentDim) {
        throw new Error(
          `encoder latentDim ${encoder.latentDim} differs from decoder latentDim ${decoder.latentDim}`,
        );
      }
      const progress = context.progress("evaluate", count, " images");
      perImage = await evaluateElbo(
        tf,
        encoder.model,
        decoder.model,
        images.data as Uint8Array,
        count,
        encoder.latentDim,
        { batchSize, seed, loss, signal: context.signal, onBatch: (n) => progress.tick(n) },
      );
      progress.done();
    } finally {
      encoder.model.dispose();
      decoder.model.dispose();
    }

    const { reconstruction, kl, zMean, latentDim } = perImage;
    const test = summarize(reconstruction, kl);
    const metrics: Metrics = {
      convention: conventionText(loss, seed),
      reconstructionLoss: loss,
      latentDim,
      seed,
      test,
      perClass: summarizeByClass(reconstruction, kl, labels.data, LABEL_NAMES),
    };
    if (![test.loss, test.reconstruction, test.kl].every((v) => Number.isFinite(v))) {
      throw new Error(`evaluation gave a non-finite result: ${JSON.stringify(test)}`);
    }
    await fs.writeFile(
      path.join(context.outDir, "metrics.json"),
      `${JSON.stringify(metrics, null, 2)}\n`,
    );
    await fs.writeFile(
      path.join(context.outDir, "latent.npy"),
      encodeNpy({ dtype: "float32", shape: [count, latentDim], data: zMean }),
    );
    await fs.writeFile(
      path.join(context.outDir, "latent-labels.npy"),
      encodeNpy({ dtype: "uint8", shape: [count], data: labels.data }),
    );
    context.log.info(
      `test -ELBO ${test.loss?.toFixed(2)} = reconstruction ${test.reconstruction?.toFixed(2)} + KL ${test.kl?.toFixed(2)}`,
    );
    context.describe({
      metrics: { test, reconstructionLoss: loss, latentDim, seed },
      latent: { shape: [count, latentDim], dtype: "float32" },
    });
  },
};

export default evaluateStage;
