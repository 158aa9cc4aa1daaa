import assert from "node:assert/strict";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { LayersModel, Tensor } from "@tensorflow/tfjs-node";
import { encodeNpy, readNpy } from "../data/npy.ts";
import { loadTensorflow, type TF } from "../engine/tensorflow.ts";
import { evaluateStage, LABEL_NAMES, type Metrics } from "../stages/evaluate.ts";
import { entryFromDir, makeStageContext } from "./helpers/stage-context.ts";

const COUNT = 120;
const PIXELS = 784;

// Checked before anything below loads TensorFlow.
const tensorflowLoadedByImports = Object.keys(createRequire(import.meta.url).cache).some((k) =>
  k.includes("@tensorflow"),
);

/** Asserts |actual - expected| <= tolerance, with a message (cheap when it fails). */
function near(actual: unknown, expected: number, tolerance: number, what = "value"): void {
  const ok = typeof actual === "number" && Math.abs(actual - expected) <= tolerance;
  assert.ok(ok, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
}

let tf: TF;
let root: string;
let datasetDir: string;
let images: Uint8Array;
let labels: Uint8Array;

/** Ten classes of rectangles at different places, with a little texture. */
function syntheticImages(count: number): { images: Uint8Array; labels: Uint8Array } {
  const pixels = new Uint8Array(count * PIXELS);
  const classes = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 10;
    classes[i] = label;
    const top = 2 + label * 2;
    const left = 4 + ((label * 3) % 12);
    for (let y = top; y < top + 8; y++) {
      for (let x = left; x < left + 10; x++)
        pixels[i * PIXELS + y * 28 + x] = 150 + ((i * 7 + x * 13 + y * 5) % 100);
    }
  }
  return { images: pixels, labels: classes };
}

function encoderModel(
  latentDim: number,
  setup?: (heads: {
    mean: LayersModel["layers"][number];
    logVar: LayersModel["layers"][number];
  }) => void,
): LayersModel {
  const input = tf.input({ shape: [PIXELS] });
  const hidden = tf.layers.dense({ units: 16, activation: "relu" }).apply(input);
  const meanLayer = tf.layers.dense({ units: latentDim, name: "z_mean" });
  const logVarLayer = tf.layers.dense({ units: latentDim, name: "z_log_var" });
  const model = tf.model({
    inputs: input,
    outputs: [meanLayer.apply(hidden), logVarLayer.apply(hidden)] as ReturnType<typeof tf.input>[],
  });
  setup?.({ mean: meanLayer, logVar: logVarLayer });
  return model;
}

function decoderModel(
  latentDim: number,
  outputBias?: Float32Array,
  zeroKernel = false,
): LayersModel {
  const input = tf.input({ shape: [latentDim] });
  const hidden = tf.layers.dense({ units: 16, activation: "relu" }).apply(input);
  const out = tf.layers.dense({ units: PIXELS, activation: "sigmoid" });
  const model = tf.model({
    inputs: input,
    outputs: out.apply(hidden) as ReturnType<typeof tf.input>,
  });
  if (outputBias) {
    const [kernel] = out.getWeights();
    const newKernel = zeroKernel ? tf.zerosLike(kernel as never) : (kernel as never);
    out.setWeights([newKernel, tf.tensor1d(outputBias)]);
  }
  return model;
}

async function saveTrain(
  name: string,
  encoder: LayersModel,
  decoder: LayersModel,
  params: Record<string, unknown> = { latentDim: 2, loss: "bce" },
) {
  const dir = path.join(root, name);
  await fs.mkdir(dir, { recursive: true });
  await encoder.save(`file://${path.join(dir, "encoder")}`);
  await decoder.save(`file://${path.join(dir, "decoder")}`);
  encoder.dispose();
  decoder.dispose();
  const entry = entryFromDir("train", dir);
  entry.manifest.params = params;
  return entry;
}

async function evaluate(train: ReturnType<typeof entryFromDir>, params: unknown = {}) {
  const harness = await makeStageContext(evaluateStage, params, {
    dataset: entryFromDir("convert", datasetDir),
    model: train,
  });
  await evaluateStage.run(harness.context);
  const out = harness.context.outDir;
  const metrics = JSON.parse(await fs.readFile(path.join(out, "metrics.json"), "utf8")) as Metrics;
  return { ...harness, out, metrics };
}

function meanPixelLogits(): Float32Array {
  const logits = new Float32Array(PIXELS);
  for (let p = 0; p < PIXELS; p++) {
    let sum = 0;
    for (let i = 0; i < COUNT; i++) sum += (images[i * PIXELS + p] as number) / 255;
    const mean = Math.min(Math.max(sum / COUNT, 1e-3), 1 - 1e-3);
    logits[p] = Math.log(mean / (1 - mean));
  }
  return logits;
}

before(async () => {
  tf = loadTensorflow().tf;
  root = await fs.mkdtemp(path.join(os.tmpdir(), "evaluate-test-"));
  datasetDir = path.join(root, "convert");
  await fs.mkdir(datasetDir);
  ({ images, labels } = syntheticImages(COUNT));
  await fs.writeFile(
    path.join(datasetDir, "test-images.npy"),
    encodeNpy({ dtype: "uint8", shape: [COUNT, 28, 28], data: images }),
  );
  await fs.writeFile(
    path.join(datasetDir, "test-labels.npy"),
    encodeNpy({ dtype: "uint8", shape: [COUNT], data: labels }),
  );
});

after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe("evaluate", () => {
  it("does not load TensorFlow when its module is imported", () => {
    assert.equal(tensorflowLoadedByImports, false);
  });

  it("writes finite metrics, ten classes and latent means of every image", async () => {
    const encoder = encoderModel(2);
    const train = await saveTrain("plain", encoder, decoderModel(2));
    const { metrics, out, details } = await evaluate(train);
    for (const value of [metrics.test.loss, metrics.test.reconstruction, metrics.test.kl]) {
      assert.ok(Number.isFinite(value), `not finite: ${value}`);
    }
    assert.equal(metrics.test.images, COUNT);
    const { reconstruction, kl } = metrics.test as { reconstruction: number; kl: number };
    near(metrics.test.loss, reconstruction + kl, 1e-6, "loss = reconstruction + kl");
    assert.deepEqual(Object.keys(metrics.perClass), [...LABEL_NAMES]);
    for (const name of LABEL_NAMES) {
      assert.equal(metrics.perClass[name]?.images, COUNT / 10);
      assert.ok(
        Number.isFinite(metrics.perClass[name]?.loss),
        `${name}: ${metrics.perClass[name]?.loss}`,
      );
    }
    assert.match(metrics.convention, /cross-entropy/);

    const latent = await readNpy(path.join(out, "latent.npy"));
    assert.equal(latent.dtype, "float32");
    assert.deepEqual(latent.shape, [COUNT, 2]);
    const latentLabels = await readNpy(path.join(out, "latent-labels.npy"));
    assert.equal(latentLabels.dtype, "uint8");
    assert.deepEqual(latentLabels.shape, [COUNT]);
    assert.deepEqual([...latentLabels.data], [...labels]);

    // The latent file holds the encoder's zMean, image by image.
    const reloaded = await tf.loadLayersModel(
      `file://${path.join(train.dir, "encoder", "model.json")}`,
    );
    const x = tf.tensor2d(
      Float32Array.from(images.subarray(5 * PIXELS, 6 * PIXELS), (v) => v / 255),
      [1, PIXELS],
    );
    const outputs = reloaded.predict(x) as Tensor[];
    const expected = await (outputs[0] as Tensor).data();
    tf.dispose([x, ...outputs]);
    reloaded.dispose();
    near(latent.data[10], expected[0] as number, 1e-5, "zMean[5][0]");
    near(latent.data[11], expected[1] as number, 1e-5, "zMean[5][1]");

    assert.deepEqual((details.metrics as { test: unknown }).test, metrics.test);
  });

  it("matches the closed form when the networks ignore their input", async () => {
    const mu = [0.5, -1.5];
    const lv = [-0.2, 0.3];
    const encoder = encoderModel(2, ({ mean, logVar }) => {
      mean.setWeights([tf.zeros([16, 2]), tf.tensor1d(mu)]);
      logVar.setWeights([tf.zeros([16, 2]), tf.tensor1d(lv)]);
    });
    const bias = new Float32Array(PIXELS).map((_, p) => ((p % 7) - 3) / 2);
    const train = await saveTrain("constant", encoder, decoderModel(2, bias, true));
    const { metrics } = await evaluate(train);

    let kl = 0;
    for (let j = 0; j < 2; j++)
      kl += -0.5 * (1 + (lv[j] as number) - (mu[j] as number) ** 2 - Math.exp(lv[j] as number));
    let rec = 0;
    for (let i = 0; i < COUNT; i++) {
      for (let p = 0; p < PIXELS; p++) {
        const x = (images[i * PIXELS + p] as number) / 255;
        const q = 1 / (1 + Math.exp(-(bias[p] as number)));
        rec -= x * Math.log(q) + (1 - x) * Math.log(1 - q);
      }
    }
    rec /= COUNT;
    near(metrics.test.kl, kl, 1e-4, "kl");
    near(metrics.test.reconstruction, rec, 1e-2, "reconstruction");
  });

  it("gives a lower loss to a decoder that reconstructs better", async () => {
    const seedEncoder = () =>
      encoderModel(2, ({ mean, logVar }) => {
        mean.setWeights([tf.zeros([16, 2]), tf.zeros([2])]);
        logVar.setWeights([tf.zeros([16, 2]), tf.zeros([2])]);
      });
    const untrained = await saveTrain("untrained", seedEncoder(), decoderModel(2));
    const fitted = await saveTrain(
      "fitted",
      seedEncoder(),
      decoderModel(2, meanPixelLogits(), true),
    );
    const bad = (await evaluate(untrained)).metrics.test;
    const good = (await evaluate(fitted)).metrics.test;
    assert.ok(
      (good.loss as number) < (bad.loss as number) - 50,
      `good ${good.loss} vs untrained ${bad.loss}`,
    );
    assert.equal(good.kl, bad.kl);
  });

  it("is seeded, independent of the batch size and leaks no tensors", async () => {
    const train = await saveTrain("seeded", encoderModel(3), decoderModel(3), { latentDim: 3 });
    const before = tf.memory().numTensors;
    const first = await evaluate(train, { seed: 1, batchSize: 1000 });
    assert.equal(tf.memory().numTensors, before);
    const again = await evaluate(train, { seed: 1, batchSize: 7 });
    const other = await evaluate(train, { seed: 2 });
    near(first.metrics.test.loss, again.metrics.test.loss as number, 1e-3, "loss with batch 7");
    assert.notEqual(first.metrics.test.reconstruction, other.metrics.test.reconstruction);
    assert.equal(first.metrics.test.kl, other.metrics.test.kl);
    assert.equal(tf.memory().numTensors, before);
  });

  it("uses summed squared error, and says so, for a model trained with mse", async () => {
    const encoder = encoderModel(2);
    const bias = new Float32Array(PIXELS).fill(0);
    const train = await saveTrain("mse", encoder, decoderModel(2, bias, true), {
      latentDim: 2,
      loss: "mse",
    });
    const { metrics } = await evaluate(train);
    let rec = 0;
    for (let i = 0; i < COUNT * PIXELS; i++) rec += ((images[i] as number) / 255 - 0.5) ** 2;
    assert.equal(metrics.reconstructionLoss, "mse");
    assert.match(metrics.convention, /squared error/);
    near(metrics.test.reconstruction, rec / COUNT, 1e-2, "squared error");
  });

  it("fails clearly without a model", async () => {
    const empty = path.join(root, "empty");
    await fs.mkdir(empty, { recursive: true });
    await assert.rejects(evaluate(entryFromDir("train", empty)), /encoder\/model\.json/);
  });
});
