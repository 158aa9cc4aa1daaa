// render: the decoder's manifold (a grid of images decoded from a grid of
// latent points, in one batch) and a scatter of the test set's latent means.
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { readNpy } from "../data/npy.ts";
import { encodePng, tileImages, unitToBytes } from "../data/png.ts";
import type { Entry, Stage } from "../engine/stage.ts";
import { axisValues, evenlySpaced, gridLatents } from "../model/manifold.ts";
import { renderScatter } from "../plot/scatter.ts";
import { LABEL_NAMES } from "./evaluate.ts";

const CELL = 28;
const probability = z.number().gt(0).lt(1);

export const renderParams = z.strictObject({
  grid: z.number().int().min(1).max(200).default(30),
  spacing: z.enum(["quantile", "linear"]).default("quantile"),
  range: z.number().positive().default(4),
  quantiles: z
    .tuple([probability, probability])
    .default([0.05, 0.95])
    .refine(([low, high]) => low < high, "quantiles must be [low, high] with low < high"),
});

export type RenderParams = z.infer<typeof renderParams>;

export interface ManifoldDescription {
  grid: number;
  cell: number;
  width: number;
  height: number;
  spacing: "quantile" | "linear";
  /** Probabilities behind the quantile spacing, one per column/row. */
  probabilities?: number[];
  range?: number;
  latentDim: number;
  scannedDims: [number, number];
  otherDims: string;
  /** z of dimension 0 for each column, left to right. */
  columns: number[];
  /** z of dimension 1 for each row, top to bottom (highest first). */
  rows: number[];
}

export function describeManifold(params: RenderParams, latentDim: number): ManifoldDescription {
  const values = axisValues(params);
  const spacingFields =
    params.spacing === "quantile"
      ? { probabilities: evenlySpaced(params.grid, ...params.quantiles) }
      : { range: params.range };
  return {
    grid: params.grid,
    cell: CELL,
    width: params.grid * CELL,
    height: params.grid * CELL,
    spacing: params.spacing,
    ...spacingFields,
    latentDim,
    scannedDims: [0, 1],
    otherDims: latentDim > 2 ? "fixed at 0" : "none",
    columns: values,
    rows: [...values].reverse(),
  };
}

async function readLatents(entry: Entry) {
  const latent = await readNpy(path.join(entry.dir, "latent.npy"));
  const labels = await readNpy(path.join(entry.dir, "latent-labels.npy"));
  const [count, dims] = latent.shape;
  if (latent.dtype !== "float32" || latent.shape.length !== 2 || !count || !dims) {
    throw new Error(
      `latent.npy must be float32 [M, latentDim], found ${latent.dtype} [${latent.shape}]`,
    );
  }
  if (labels.dtype !== "uint8" || labels.shape[0] !== count) {
    throw new Error(
      `latent-labels.npy must be uint8 [${count}], found ${labels.dtype} [${labels.shape}]`,
    );
  }
  const xs = new Float32Array(count);
  const ys = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    xs[i] = latent.data[i * dims] as number;
    ys[i] = dims > 1 ? (latent.data[i * dims + 1] as number) : 0;
  }
  return { xs, ys, labels: labels.data, count, dims };
}

export const renderStage: Stage<RenderParams> = {
  worker: "render",
  version: 1,
  description: "decoded manifold grid and latent scatter of the test set",
  params: renderParams,
  inputs: { model: "train", latent: "evaluate" },
  usesTensorflow: true,
  keyParams: (p) =>
    p.spacing === "quantile"
      ? { grid: p.grid, spacing: p.spacing, quantiles: p.quantiles }
      : { grid: p.grid, spacing: p.spacing, range: p.range },

  async run(context) {
    const model = context.inputs.model;
    const latentEntry = context.inputs.latent;
    if (!model || !latentEntry) throw new Error('render needs the "model" and "latent" inputs');
    const latents = await readLatents(latentEntry);

    const { tensorflow, loadDecoder } = await import("../model/load.ts");
    const { tf } = tensorflow();
    const decoder = await loadDecoder(tf, model.dir);
    const { latentDim } = decoder;
    const manifold = describeManifold(context.params, latentDim);
    const cells = manifold.grid * manifold.grid;
    let decoded: Float32Array;
    try {
      if (latentDim < 2)
        throw new Error(`render needs latentDim >= 2, the decoder has ${latentDim}`);
      if (latents.dims !== latentDim) {
        throw new Error(`latent.npy has ${latents.dims} dims but the decoder takes ${latentDim}`);
      }
      const z = gridLatents(manifold.columns, manifold.rows, latentDim);
      const images = tf.tidy(() => {
        const input = tf.tensor2d(z, [cells, latentDim]);
        // One call, one batch: the whole grid goes through the decoder at once.
        return decoder.model.predict(input, { batchSize: cells }) as ReturnType<typeof tf.tensor>;
      });
      try {
        decoded = (await images.data()) as Float32Array;
      } finally {
        images.dispose();
      }
    } finally {
      decoder.model.dispose();
    }

    const tiled = tileImages(unitToBytes(decoded), cells, CELL, manifold.grid);
    await fs.writeFile(
      path.join(context.outDir, "manifold.png"),
      encodePng(tiled.width, tiled.height, tiled.pixels, "gray"),
    );
    await fs.writeFile(
      path.join(context.outDir, "manifold.json"),
      `${JSON.stringify(manifold, null, 2)}\n`,
    );

    const scannedNote = latentDim > 2 ? ` (dims 0 and 1 of ${latentDim})` : "";
    const scatter = renderScatter({
      xs: latents.xs,
      ys: latents.ys,
      classes: latents.labels,
      classNames: LABEL_NAMES,
      title: `Latent means of ${latents.count} test images${scannedNote}`,
      xLabel: "z[0]",
      yLabel: "z[1]",
    });
    await fs.writeFile(path.join(context.outDir, "latent.png"), scatter.toPng());

    context.log.info(
      `manifold ${manifold.width}x${manifold.height} (${manifold.grid}x${manifold.grid}, ${manifold.spacing}), latent scatter of ${latents.count} points`,
    );
    context.describe({
      manifold: { width: manifold.width, height: manifold.height, grid: manifold.grid },
      spacing: manifold.spacing,
      latentDim,
      scannedDims: manifold.scannedDims,
      otherDims: manifold.otherDims,
      latent: { width: scatter.width, height: scatter.height, points: latents.count },
    });
  },
};

export default renderStage;
