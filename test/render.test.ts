import assert from "node:assert/strict";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import zlib from "node:zlib";
import type { LayersModel, Tensor } from "@tensorflow/tfjs-node";
import { encodeNpy } from "../data/npy.ts";
import { pngSize } from "../data/png.ts";
import { loadTensorflow, type TF } from "../engine/tensorflow.ts";
import { axisValues, evenlySpaced, normalCdf, normalQuantile } from "../model/manifold.ts";
import { type ManifoldDescription, renderStage } from "../stages/render.ts";
import { entryFromDir, makeStageContext } from "./helpers/stage-context.ts";

const tensorflowLoadedByImports = Object.keys(createRequire(import.meta.url).cache).some((k) =>
  k.includes("@tensorflow"),
);

/** Asserts |actual - expected| <= tolerance, with a message (cheap when it fails). */
function near(actual: unknown, expected: number, tolerance: number, what = "value"): void {
  const ok = typeof actual === "number" && Math.abs(actual - expected) <= tolerance;
  assert.ok(ok, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
}

const PIXELS = 784;
let tf: TF;
let root: string;

/** Reads back the 8-bit unfiltered PNGs that data/png.ts writes. */
function readPng(png: Buffer): { width: number; height: number; channels: number; pixels: Buffer } {
  const { width, height } = pngSize(png);
  const channels = png[25] === 2 ? 3 : 1;
  const parts: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString("latin1", at + 4, at + 8) === "IDAT")
      parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(parts));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++)
    raw.copy(pixels, y * stride, y * (stride + 1) + 1, (y + 1) * (stride + 1));
  return { width, height, channels, pixels };
}

/**
 * A one-layer decoder whose cells show z[0] in their top half and z[1] in
 * their bottom half: brightness sigmoid(3 z).
 */
function probeDecoder(latentDim: number): LayersModel {
  // Sequential, like the train stage's decoder.
  const dense = tf.layers.dense({ inputShape: [latentDim], units: PIXELS, activation: "sigmoid" });
  const model = tf.sequential({ layers: [dense] });
  const kernel = new Float32Array(latentDim * PIXELS);
  for (let p = 0; p < PIXELS; p++) kernel[(p < PIXELS / 2 ? 0 : 1) * PIXELS + p] = 3;
  dense.setWeights([tf.tensor2d(kernel, [latentDim, PIXELS]), tf.zeros([PIXELS])]);
  return model;
}

async function fixtures(name: string, latentDim: number, points = 300) {
  const trainDir = path.join(root, name, "train");
  const evaluateDir = path.join(root, name, "evaluate");
  await fs.mkdir(trainDir, { recursive: true });
  await fs.mkdir(evaluateDir, { recursive: true });
  const decoder = probeDecoder(latentDim);
  await decoder.save(`file://${path.join(trainDir, "decoder")}`);
  decoder.dispose();
  const latent = new Float32Array(points * latentDim).map((_, i) => Math.sin(i * 1.7) * 2);
  const labels = new Uint8Array(points).map((_, i) => i % 10);
  await fs.writeFile(
    path.join(evaluateDir, "latent.npy"),
    encodeNpy({ dtype: "float32", shape: [points, latentDim], data: latent }),
  );
  await fs.writeFile(
    path.join(evaluateDir, "latent-labels.npy"),
    encodeNpy({ dtype: "uint8", shape: [points], data: labels }),
  );
  return { model: entryFromDir("train", trainDir), latent: entryFromDir("evaluate", evaluateDir) };
}

async function render(inputs: Awaited<ReturnType<typeof fixtures>>, params: unknown = {}) {
  const harness = await makeStageContext(renderStage, params, inputs);
  await renderStage.run(harness.context);
  const out = harness.context.outDir;
  const read = (file: string) => fs.readFile(path.join(out, file));
  const manifold = JSON.parse((await read("manifold.json")).toString()) as ManifoldDescription;
  return { ...harness, read, manifold };
}

before(async () => {
  tf = loadTensorflow().tf;
  root = await fs.mkdtemp(path.join(os.tmpdir(), "render-test-"));
});

after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe("manifold coordinates", () => {
  it("inverts the normal CDF", () => {
    near(normalQuantile(0.05), -1.6448536269514722, 1e-9, "quantile of 0.05");
    near(normalQuantile(0.975), 1.959963984540054, 1e-9, "quantile of 0.975");
    near(normalQuantile(1e-6), -4.753424308822899, 1e-8, "quantile of 1e-6");
    assert.equal(normalQuantile(0.5), 0);
    for (const p of [1e-9, 0.01, 0.2, 0.5, 0.77, 0.999]) {
      const error = Math.abs(normalCdf(normalQuantile(p)) - p);
      assert.ok(error <= 1e-12 * Math.min(p, 1 - p), `CDF(quantile(${p})) is off by ${error}`);
    }
    for (const p of [0.01, 0.2, 0.3, 0.05]) {
      const asymmetry = normalQuantile(p) + normalQuantile(1 - p);
      assert.ok(
        Math.abs(asymmetry) < 1e-12,
        `quantiles of ${p} and ${1 - p} differ by ${asymmetry}`,
      );
    }
  });

  it("spaces quantile and linear axes", () => {
    const base = { grid: 5, range: 3, quantiles: [0.05, 0.95] as const };
    const linear = axisValues({ ...base, spacing: "linear" });
    assert.deepEqual(linear, [-3, -1.5, 0, 1.5, 3]);
    const quantile = axisValues({ ...base, spacing: "quantile" });
    near(quantile[0], -1.6449, 1e-4, "first quantile point");
    near(quantile[4], 1.6449, 1e-4, "last quantile point");
    assert.equal(quantile[2], 0);
    assert.deepEqual(evenlySpaced(1, -2, 4), [1]);
  });
});

describe("render", () => {
  it("does not load TensorFlow when its module is imported", () => {
    assert.equal(tensorflowLoadedByImports, false);
  });

  it("decodes the default 30x30 grid in one batched call, top row highest", async () => {
    const inputs = await fixtures("default", 2);
    const calls: Array<{ rows: number; batchSize?: number }> = [];
    const proto = tf.LayersModel.prototype;
    const original = proto.predict;
    proto.predict = function (this: LayersModel, x, config) {
      calls.push({ rows: (x as Tensor).shape[0] as number, batchSize: config?.batchSize });
      return original.call(this, x, config);
    };
    const before = tf.memory().numTensors;
    let result: Awaited<ReturnType<typeof render>>;
    try {
      result = await render(inputs);
    } finally {
      proto.predict = original;
    }
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(calls, [{ rows: 900, batchSize: 900 }]);

    const { manifold, read, details } = result;
    const png = readPng(await read("manifold.png"));
    assert.deepEqual([png.width, png.height, png.channels], [840, 840, 1]);
    assert.equal(manifold.spacing, "quantile");
    assert.equal(manifold.columns.length, 30);
    near(manifold.columns[0], -1.6449, 1e-4, "left column");
    near(manifold.rows[0], 1.6449, 1e-4, "top row holds the highest z[1]");
    assert.deepEqual(manifold.rows, [...manifold.columns].reverse());
    assert.equal(manifold.probabilities?.[0], 0.05);

    // Top half of a cell shows z[0] (grows to the right), bottom half z[1] (grows upward).
    const at = (row: number, col: number, y: number) =>
      png.pixels[(row * 28 + y) * 840 + col * 28 + 14] as number;
    assert.ok(at(0, 29, 5) > at(0, 0, 5) + 150, "right column has the highest z[0]");
    assert.ok(at(0, 0, 20) > at(29, 0, 20) + 150, "top row has the highest z[1]");

    assert.deepEqual(pngSize(await read("latent.png")), { width: 800, height: 640 });
    assert.deepEqual(details.manifold, { width: 840, height: 840, grid: 30 });
    assert.equal(details.otherDims, "none");
  });

  it("honours grid and linear spacing", async () => {
    const { manifold, read } = await render(await fixtures("linear", 2), {
      grid: 10,
      spacing: "linear",
      range: 3,
    });
    assert.deepEqual(pngSize(await read("manifold.png")), { width: 280, height: 280 });
    assert.equal(manifold.columns[0], -3);
    assert.equal(manifold.columns[9], 3);
    near(manifold.columns[1], -3 + 6 / 9, 1e-12, "second column");
    assert.equal(manifold.rows[0], 3);
    assert.equal(manifold.range, 3);
  });

  it("scans the first two dims of a 3-D latent and says so", async () => {
    const { manifold, details, read } = await render(await fixtures("three", 3), { grid: 4 });
    assert.deepEqual(details.scannedDims, [0, 1]);
    assert.equal(details.otherDims, "fixed at 0");
    assert.equal(manifold.latentDim, 3);
    assert.deepEqual(pngSize(await read("manifold.png")), { width: 112, height: 112 });
  });

  it("rejects bad params and mismatched latents", async () => {
    assert.throws(() => renderStage.params.parse({ quantiles: [0.9, 0.1] }));
    assert.throws(() => renderStage.params.parse({ spacing: "log" }));
    assert.throws(() => renderStage.params.parse({ grid: 0 }));
    const inputs = await fixtures("mismatch", 3);
    const other = await fixtures("other", 2);
    await assert.rejects(
      render({ model: inputs.model, latent: other.latent }),
      /latent\.npy has 2 dims/,
    );
  });

  it("keys only the params that decide the output", () => {
    const params = renderStage.params.parse({ spacing: "linear" });
    assert.deepEqual(renderStage.keyParams?.(params), { grid: 30, spacing: "linear", range: 4 });
  });
});
