import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { readNpy } from "../data/npy.ts";
import { convert } from "../stages/convert.ts";
import { cyclingLabels, encodeIdx, idxImages, idxLabels } from "./helpers/idx.ts";
import { entryFromDir, makeStageContext } from "./helpers/stage-context.ts";

type Files = Record<"train-images" | "train-labels" | "test-images" | "test-labels", Buffer>;

function goodFiles(): Files {
  return {
    "train-images": idxImages(30),
    "train-labels": idxLabels(cyclingLabels(30)),
    "test-images": idxImages(10),
    "test-labels": idxLabels(cyclingLabels(10)),
  };
}

async function convertFiles(files: Files, params: Record<string, unknown> = {}) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "convert-in-"));
  for (const [name, bytes] of Object.entries(files))
    await fs.writeFile(path.join(dir, `${name}.idx`), bytes);
  const harness = await makeStageContext(convert, params, { raw: entryFromDir("fetch", dir) });
  return { ...harness, dir, run: () => convert.run(harness.context) };
}

describe("convert", () => {
  it("writes uint8 .npy arrays with their shapes in the manifest", async () => {
    const { run, context, details } = await convertFiles(goodFiles());
    await run();
    const images = await readNpy(path.join(context.outDir, "train-images.npy"));
    assert.equal(images.dtype, "uint8");
    assert.deepEqual(images.shape, [30, 28, 28]);
    assert.deepEqual([...images.data.subarray(0, 3)], [0, 5, 10]);
    const labels = await readNpy(path.join(context.outDir, "test-labels.npy"));
    assert.deepEqual([...labels.data], cyclingLabels(10));
    assert.deepEqual((details.arrays as Record<string, unknown>)["test-images.npy"], {
      dtype: "uint8",
      shape: [10, 28, 28],
    });
  });

  const broken: Array<[string, (f: Files) => void, RegExp]> = [
    [
      "a wrong magic",
      (f) => f["train-labels"].writeUInt32BE(0x00000803, 0),
      /train-labels\.idx: expected magic 0x00000801 \(unsigned bytes, 1 dimension\) for labels, found 0x00000803/,
    ],
    [
      "wrong dimensions",
      (f) => {
        f["test-images"] = idxImages(10, { rows: 32, cols: 32 });
      },
      /test-images\.idx: expected images of 28x28, found dimensions 10x32x32/,
    ],
    [
      "a truncated file",
      (f) => {
        f["train-images"] = f["train-images"].subarray(0, 1000);
      },
      /train-images\.idx: header says 30x28x28 = 23520 bytes of data, file has 984 \(truncated\)/,
    ],
    [
      "trailing bytes",
      (f) => {
        f["test-labels"] = Buffer.concat([f["test-labels"], Buffer.from([1, 2])]);
      },
      /test-labels\.idx: header says 10 = 10 bytes of data, file has 12 \(trailing bytes\)/,
    ],
    [
      "image and label counts that differ",
      (f) => {
        f["train-labels"] = idxLabels(cyclingLabels(29));
      },
      /train split: .*train-images\.idx has 30 images but .*train-labels\.idx has 29 labels/,
    ],
    [
      "a label out of range",
      (f) => {
        f["test-labels"] = encodeIdx([10], Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 12]));
      },
      /test-labels\.idx: label #9 is 12, expected 0\.\.9/,
    ],
  ];

  for (const [problem, breakIt, message] of broken) {
    it(`rejects ${problem}, naming the file`, async () => {
      const files = goodFiles();
      breakIt(files);
      const { run } = await convertFiles(files);
      await assert.rejects(run(), message);
    });
  }

  it("holds for a data set of another size, declared in params", async () => {
    const files: Files = {
      "train-images": idxImages(5, { rows: 8, cols: 6 }),
      "train-labels": idxLabels([0, 1, 2, 1, 0]),
      "test-images": idxImages(2, { rows: 8, cols: 6 }),
      "test-labels": idxLabels([2, 2]),
    };
    const { run, context } = await convertFiles(files, { height: 8, width: 6, classes: 3 });
    await run();
    assert.deepEqual(
      (await readNpy(path.join(context.outDir, "train-images.npy"))).shape,
      [5, 8, 6],
    );
  });
});
