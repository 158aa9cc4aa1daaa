// train: fits the VAE to the convert stage's images and writes the encoder,
// decoder, history, per-epoch previews and TensorBoard logs. TensorFlow and
// the model code load inside run(), so reading this module stays light.
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { nonNegativeInt, positiveInt, positiveNumber } from "../engine/params.ts";
import type { Stage } from "../engine/stage.ts";

export const trainParams = z.strictObject({
  epochs: positiveInt().default(10),
  batchSize: positiveInt().default(256),
  learningRate: positiveNumber().default(0.001),
  latentDim: positiveInt().default(2),
  intermediateDim: positiveInt().default(512),
  loss: z.enum(["bce", "mse"]).default("bce"),
  seed: z.number().int().default(42),
  /** Train on the first `limit` images; 0 means all. */
  limit: nonNegativeInt().default(0),
  /** A TensorBoard directory written besides the entry's own logs/. */
  logDir: z.string().min(1).optional(),
});

export type TrainParams = z.infer<typeof trainParams>;

export const train: Stage<TrainParams> = {
  worker: "train",
  version: 1,
  description: "Trains the variational autoencoder on the converted images",
  params: trainParams,
  inputs: { dataset: "convert" },
  keyParams: ({ logDir: _, ...rest }) => rest,
  usesTensorflow: true,
  async reuse(entry, params, log) {
    if (!params.logDir) return;
    await fs.cp(path.join(entry.dir, "logs"), params.logDir, { recursive: true, force: false });
    log.info(`TensorBoard logs of the cached training copied to ${params.logDir}`);
  },
  async run(context) {
    const dataset = context.inputs.dataset;
    if (!dataset) throw new Error("train needs the dataset input (a convert stage)");
    const { runTraining } = await import("../model/training.ts");
    await runTraining(context, dataset.dir);
  },
};
