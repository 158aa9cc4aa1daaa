// The train stage on a few hundred generated images: it learns, writes
// loadable models, previews, history and TensorBoard logs, repeats itself
// for a seed, leaks no tensors, and resumes after a real SIGKILL.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Tensor } from "@tensorflow/tfjs-node";
import { encodeNpy } from "../data/npy.ts";
import { pngSize } from "../data/png.ts";
import { loadTensorflow } from "../engine/tensorflow.ts";
import { freshState } from "../model/adam.ts";
import { readImages, uploadImages } from "../model/dataset.ts";
import { initialParams } from "../model/params.ts";
import { BATCH_TAGS } from "../model/tensorboard.ts";
import { createTrainer } from "../model/trainer.ts";
import { CHECKPOINT_FILE, type EpochRecord } from "../model/training.ts";
import { train } from "../stages/train.ts";
import { entryFromDir, makeStageContext } from "./helpers/stage-context.ts";

const { tf } = loadTensorflow();
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const small = { epochs: 2, batchSize: 32, intermediateDim: 64, learningRate: 0.003, seed: 7 };
let tmp: string;
let dataDir: string;
const harnessRoots: string[] = [];

/** Boxes, bars, rings and stripes at random places and brightness. */
function shapes(count: number, seed: number): Uint8Array {
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const images = new Uint8Array(count * 784);
  for (let n = 0; n < count; n++) {
    const [cx, cy, size, level] = [
      8 + random() * 12,
      8 + random() * 12,
      3 + random() * 6,
      120 + random() * 135,
    ];
    const inside = [
      (dx: number, dy: number) => Math.abs(dx) < size && Math.abs(dy) < size,
      (dx: number, dy: number) => Math.abs(dx) < 2 && Math.abs(dy) < size * 1.5,
      (dx: number, dy: number) => Math.abs(Math.hypot(dx, dy) - size) < 1.5,
      (_: number, dy: number) => Math.abs(dy) < size && Math.floor(dy) % 4 < 2,
    ][n % 4] as (dx: number, dy: number) => boolean;
    for (let p = 0; p < 784; p++) {
      if (inside((p % 28) - cx, Math.floor(p / 28) - cy)) {
        images[n * 784 + p] = Math.round(level * (0.85 + 0.15 * random()));
      }
    }
  }
  return images;
}

async function writeDataset(dir: string, trainCount: number, testCount: number) {
  await fs.mkdir(dir, { recursive: true });
  for (const [split, count, seed] of [
    ["train", trainCount, 1],
    ["test", testCount, 2],
  ] as const) {
    const data = shapes(count, seed);
    const npy = encodeNpy({ dtype: "uint8", shape: [count, 28, 28], data });
    await fs.writeFile(path.join(dir, `${split}-images.npy`), npy);
    const labels = Uint8Array.from({ length: count }, (_, i) => i % 4);
    const labelNpy = encodeNpy({ dtype: "uint8", shape: [count], data: labels });
    await fs.writeFile(path.join(dir, `${split}-labels.npy`), labelNpy);
  }
}

async function runStage(
  params: Record<string, unknown>,
  dirs: { workDir?: string } = {},
  data = dataDir,
) {
  const harness = await makeStageContext(
    train,
    params,
    { dataset: entryFromDir("convert", data) },
    dirs,
  );
  harnessRoots.push(path.dirname(harness.context.outDir));
  await train.run(harness.context);
  const history = await readHistory(harness.context.outDir);
  return { ...harness, history, outDir: harness.context.outDir };
}

async function readHistory(outDir: string): Promise<EpochRecord[]> {
  return JSON.parse(await fs.readFile(path.join(outDir, "history.json"), "utf8"));
}

before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "train-test-"));
  dataDir = path.join(tmp, "data");
  await writeDataset(dataDir, 320, 64);
});

after(async () => {
  for (const dir of [tmp, ...harnessRoots]) await fs.rm(dir, { recursive: true, force: true });
});

test("params: defaults, and logDir stays out of the cache key", () => {
  const defaults = train.params.parse({});
  const expected = { epochs: 10, batchSize: 256, learningRate: 0.001, latentDim: 2 };
  assert.deepEqual(defaults, {
    ...expected,
    intermediateDim: 512,
    loss: "bce",
    seed: 42,
    limit: 0,
  });
  const withLogs = train.params.parse({ logDir: "/tmp/tb" });
  assert.deepEqual(train.keyParams?.(withLogs), train.keyParams?.(defaults));
  assert.notDeepEqual(train.keyParams?.({ ...defaults, seed: 1 }), train.keyParams?.(defaults));
  assert.throws(() => train.params.parse({ loss: "l1" }));
  assert.throws(() => train.params.parse({ epochs: 0 }));
});

test("trains: loss goes down, models load, previews, history, logs", async () => {
  const logDir = path.join(tmp, "tensorboard");
  const run = await runStage({ ...small, logDir });
  const { history, outDir } = run;
  assert.equal(history.length, 2);
  for (const record of history) {
    const { epoch: _, ...values } = record;
    for (const [key, value] of Object.entries(values)) {
      assert.ok(Number.isFinite(value) && value > 0, `${key} = ${value}`);
    }
    assert.ok(
      Math.abs(record.loss - record.reconstruction - record.kl) < 1e-6,
      "Math.abs(record.loss - record.reconstruction - record.kl) < 1e-6",
    );
    assert.ok(
      record.durationMs > 0 && record.samplesPerSecond > 0,
      "record.durationMs > 0 && record.samplesPerSecond > 0",
    );
  }
  const [first, second] = history as [EpochRecord, EpochRecord];
  assert.ok(second.loss < first.loss, `loss ${first.loss} -> ${second.loss}`);
  assert.ok(second.testLoss < first.testLoss, "second.testLoss < first.testLoss");

  const encoder = await tf.loadLayersModel(`file://${path.join(outDir, "encoder/model.json")}`);
  const decoder = await tf.loadLayersModel(`file://${path.join(outDir, "decoder/model.json")}`);
  try {
    assert.deepEqual(encoder.inputs[0]?.shape, [null, 784]);
    assert.deepEqual(
      encoder.outputs.flatMap((o) => o.shape),
      [null, 2, null, 2],
    );
    assert.deepEqual(decoder.inputs[0]?.shape, [null, 2]);
    assert.deepEqual(decoder.outputs[0]?.shape, [null, 784]);
    const images = tf.tidy(() => {
      const x = tf.div(tf.tensor2d(Array.from(shapes(4, 9)), [4, 784]), 255);
      const [zMean] = encoder.predict(x) as Tensor[];
      return (decoder.predict(zMean as Tensor) as Tensor).dataSync();
    });
    assert.ok(
      images.every((v) => v >= 0 && v <= 1),
      "images.every((v) => v >= 0 && v <= 1)",
    );
  } finally {
    encoder.dispose();
    decoder.dispose();
  }

  for (const epoch of ["001", "002"]) {
    const png = await fs.readFile(path.join(outDir, "previews", `epoch-${epoch}.png`));
    assert.deepEqual(pngSize(png), { width: 280, height: 280 });
  }
  const epochLines = run.lines.filter((line) => /epoch \d\/2 loss/.test(line));
  assert.equal(epochLines.length, 2);
  assert.match(
    epochLines[1] as string,
    /epoch 2\/2 loss [\d.]+ reconstruction [\d.]+ kl [\d.]+ test loss [\d.]+ \d+ samples\/s preview previews\/epoch-002\.png/,
  );
  assert.equal(run.details.latentDim, 2);
  assert.equal(run.details.finalLoss, second.loss);
  assert.match(`${run.details.backend} ${run.details.init}`, /^tensorflow pytorch/);

  for (const dir of [path.join(outDir, "logs"), logDir]) {
    const files = (await fs.readdir(dir)).filter((f) => f.startsWith("events.out.tfevents"));
    assert.equal(files.length, 1, `${dir}: ${files}`);
    const bytes = (await fs.readFile(path.join(dir, files[0] as string))).toString("latin1");
    for (const tag of [...BATCH_TAGS, "epoch/loss", "epoch/test_loss"]) {
      assert.ok(bytes.includes(tag), `${dir} lacks ${tag}`);
    }
  }
});

test("same seed, same losses; another seed, other losses", async () => {
  const a = await runStage(small);
  const b = await runStage(small);
  const c = await runStage({ ...small, seed: 8 });
  const losses = (h: EpochRecord[]) => h.flatMap((r) => [r.loss, r.kl, r.testLoss]);
  assert.deepEqual(losses(a.history), losses(b.history));
  assert.notDeepEqual(losses(a.history), losses(c.history));
});

test("mse reconstruction loss trains too", async () => {
  const { history } = await runStage({ ...small, loss: "mse" });
  assert.equal(history.length, 2);
  const [first, second] = history as [EpochRecord, EpochRecord];
  assert.ok(
    history.every((r) => Number.isFinite(r.loss)),
    "history.every((r) => Number.isFinite(r.loss))",
  );
  assert.ok(second.loss < first.loss, "second.loss < first.loss");
  // Summed squared error over 784 pixels in [0, 1] is far below the BCE scale.
  assert.ok(first.reconstruction < 200, `mse reconstruction ${first.reconstruction}`);
});

test("live tensors stay the same after every epoch", async () => {
  const before = tf.memory().numTensors;
  const images = uploadImages(tf, await readImages(path.join(dataDir, "train-images.npy")));
  const arch = { inputDim: 784, intermediateDim: 64, latentDim: 2 };
  const trainer = createTrainer(
    tf,
    images,
    { arch, batchSize: 32, learningRate: 0.003, loss: "bce", seed: 1 },
    freshState(initialParams(arch, 1)),
  );
  const counts: number[] = [];
  for (let epoch = 1; epoch <= 3; epoch++) {
    await trainer.trainEpoch(epoch);
    trainer.evaluate(images);
    trainer.decode(new Float32Array(8));
    counts.push(tf.memory().numTensors);
  }
  trainer.dispose();
  tf.dispose(images);
  assert.deepEqual(counts, [counts[0], counts[0], counts[0]]);
  assert.equal(tf.memory().numTensors, before);
});

test("aborting stops between batches and keeps finished epochs", async () => {
  const controller = new AbortController();
  const dataset = entryFromDir("convert", dataDir);
  const harness = await makeStageContext(train, { ...small, epochs: 3 }, { dataset });
  harnessRoots.push(path.dirname(harness.context.outDir));
  harness.context.signal = controller.signal;
  const progress = harness.context.progress;
  harness.context.progress = (label, total, unit) => {
    if (label.startsWith("epoch 2/")) controller.abort();
    return progress(label, total, unit);
  };
  await assert.rejects(train.run(harness.context), { name: "AbortError" });
  assert.equal((await readHistory(harness.context.outDir)).length, 1);
});

test("a SIGKILLed run resumes after its last checkpoint", async () => {
  const workDir = path.join(tmp, "resume-work");
  await fs.mkdir(workDir, { recursive: true });
  const bigData = path.join(tmp, "resume-data");
  await writeDataset(bigData, 4000, 64);
  const params = { epochs: 3, batchSize: 32, intermediateDim: 256, seed: 5 };
  const script = path.join(tmp, "child.mts");
  const q = JSON.stringify;
  const source = `import { train } from ${q(path.join(root, "stages/train.ts"))};
import { entryFromDir, makeStageContext } from ${q(path.join(root, "test/helpers/stage-context.ts"))};
const dataset = entryFromDir("convert", ${q(bigData)});
const h = await makeStageContext(train, ${q(params)}, { dataset }, { workDir: ${q(workDir)} });
await train.run(h.context);
`;
  await fs.writeFile(script, source);
  // Its own process group, so the kill reaches npx, tsx and the node it starts.
  const child = spawn("npx", ["tsx", script], {
    cwd: root,
    env: { ...process.env, TMPDIR: tmp },
    stdio: "ignore",
    detached: true,
  });
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  const checkpoint = path.join(workDir, CHECKPOINT_FILE);
  const deadline = Date.now() + 60_000;
  let found = false;
  while (!found && Date.now() < deadline) {
    found = await fs.stat(checkpoint).then(
      () => true,
      () => false,
    );
    if (!found) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (child.exitCode === null && child.signalCode === null) {
    process.kill(-(child.pid as number), "SIGKILL");
  }
  assert.equal(await exited, null, "the child ended before it was killed");
  assert.ok(found, "the child wrote no checkpoint within 60 s");

  const resumed = await runStage(params, { workDir }, bigData);
  assert.equal(resumed.details.resumedAfterEpoch, 1);
  const firstEpoch = resumed.lines.find((line) => /epoch \d\/3 loss/.test(line));
  assert.match(firstEpoch ?? "", /^\[train\] epoch 2\/3/);
  assert.equal(resumed.history.map((r) => r.epoch).join(), "1,2,3");
  const previews = (await fs.readdir(path.join(resumed.outDir, "previews"))).sort();
  assert.deepEqual(previews, ["epoch-001.png", "epoch-002.png", "epoch-003.png"]);
  const events = await fs.readdir(path.join(resumed.outDir, "logs"));
  assert.equal(events.length, 1);

  // The same run without the kill gives the same numbers.
  const straight = await runStage(params, {}, bigData);
  for (const [i, record] of straight.history.entries()) {
    const other = resumed.history[i] as EpochRecord;
    assert.ok(Math.abs(record.loss - other.loss) <= 1e-5 * record.loss, `epoch ${i + 1} loss`);
    assert.ok(
      Math.abs(record.testLoss - other.testLoss) <= 1e-5 * record.testLoss,
      "Math.abs(record.testLoss - other.testLoss) <= 1e-5 * record.testLoss",
    );
  }
});
