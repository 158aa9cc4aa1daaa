// convert: the fetched IDX files → NumPy .npy arrays (uint8, C order), which
// numpy.load, tfjs and most other tools read directly.
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { parseIdx } from "../data/idx.ts";
import { npyHeader } from "../data/npy.ts";
import { positiveInt } from "../engine/params.ts";
import type { Stage } from "../engine/stage.ts";

const params = z.object({
  height: positiveInt().default(28),
  width: positiveInt().default(28),
  /** Labels must be below this. */
  classes: positiveInt().max(256).default(10),
});

export type ConvertParams = z.infer<typeof params>;

const SPLITS = ["train", "test"] as const;

export const convert: Stage<ConvertParams> = {
  worker: "convert",
  version: 1,
  description: "Parses and validates the IDX files and writes them as .npy arrays",
  params,
  inputs: { raw: "fetch" },
  usesTensorflow: false,
  async run({ params, inputs, outDir, log, describe }) {
    const raw = inputs.raw as NonNullable<(typeof inputs)["raw"]>;
    const arrays: Record<string, { dtype: string; shape: number[] }> = {};
    for (const split of SPLITS) {
      const imagesFile = path.join(raw.dir, `${split}-images.idx`);
      const labelsFile = path.join(raw.dir, `${split}-labels.idx`);
      const images = parseIdx(await fs.readFile(imagesFile), imagesFile, {
        kind: "images",
        itemShape: [params.height, params.width],
      });
      const labels = parseIdx(await fs.readFile(labelsFile), labelsFile, {
        kind: "labels",
        itemShape: [],
      });
      if (images.shape[0] !== labels.shape[0]) {
        throw new Error(
          `${split} split: ${imagesFile} has ${images.shape[0]} images but ${labelsFile} has ${labels.shape[0]} labels`,
        );
      }
      const outOfRange = labels.data.findIndex((label) => label >= params.classes);
      if (outOfRange >= 0) {
        throw new Error(
          `${labelsFile}: label #${outOfRange} is ${labels.data[outOfRange]}, expected 0..${params.classes - 1}`,
        );
      }
      await writeNpy(path.join(outDir, `${split}-images.npy`), images.shape, images.data);
      await writeNpy(path.join(outDir, `${split}-labels.npy`), labels.shape, labels.data);
      arrays[`${split}-images.npy`] = { dtype: "uint8", shape: images.shape };
      arrays[`${split}-labels.npy`] = { dtype: "uint8", shape: labels.shape };
      log.info(
        `${split}: ${images.shape[0]} images of ${params.height}x${params.width}, labels 0..${params.classes - 1}`,
      );
    }
    describe({ format: "NumPy .npy 1.0, C order", arrays });
  },
};

async function writeNpy(file: string, shape: number[], data: Uint8Array): Promise<void> {
  const handle = await fs.open(file, "w");
  try {
    await handle.write(npyHeader("uint8", shape));
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}
