// Training speed on the real Fashion-MNIST training set:
//   npx tsx bench/train.ts [--epochs 3] [--data DIR] [--batch-size 256] [--kernels native|portable]
// DIR holds the original *-idx?-ubyte.gz files or the convert stage's .npy
// files. Prints per-epoch seconds, samples/s, seconds per 60,000 images
// (median and best after the first epoch), the peak RSS, the test negative
// ELBO after the last epoch, and how much CPU other processes and the
// hypervisor (steal) took: on a shared machine a timing is only as good as
// those two numbers.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import zlib from "node:zlib";
import { loadTensorflow } from "../engine/tensorflow.ts";
import { freshState } from "../model/adam.ts";
import { type ImageSet, readImages, uploadImages } from "../model/dataset.ts";
import { initialParams } from "../model/params.ts";
import { createTrainer } from "../model/trainer.ts";

const { values: args } = parseArgs({
  options: {
    epochs: { type: "string", default: "3" },
    data: {
      type: "string",
      default: path.resolve(import.meta.dirname, "../../shared/data/fashion-mnist"),
    },
    "batch-size": { type: "string", default: "256" },
    kernels: { type: "string", default: "native" },
    seed: { type: "string", default: "42" },
  },
});

/** IDX (big-endian magic 0x0000080N, N dims, then uint8 data), gzip-compressed. */
function readIdxImages(file: string): ImageSet {
  const bytes = zlib.gunzipSync(fs.readFileSync(file));
  const dims = bytes[3] as number;
  if (bytes.readUInt16BE(0) !== 0 || bytes[2] !== 0x08 || dims < 2) {
    throw new Error(`${file}: not a uint8 IDX image file`);
  }
  const shape = Array.from({ length: dims }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const pixels = shape.slice(1).reduce((a, b) => a * b, 1);
  return { bytes: bytes.subarray(4 + 4 * dims), count: shape[0] as number, pixels };
}

async function load(dir: string, split: "train" | "test"): Promise<ImageSet> {
  const npy = path.join(dir, `${split}-images.npy`);
  if (fs.existsSync(npy)) return readImages(npy);
  return readIdxImages(
    path.join(dir, `${split === "train" ? "train" : "t10k"}-images-idx3-ubyte.gz`),
  );
}

/** CPU seconds of the whole machine (busy and stolen by the hypervisor) and of this process. */
function cpuTimes(): { busy: number; steal: number; self: number } {
  const fields = (fs.readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.slice(1).map(Number) as number[];
  const ticks = 100;
  const usage = process.cpuUsage();
  return {
    busy: ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0)) / ticks,
    steal: (steal ?? 0) / ticks,
    self: (usage.user + usage.system) / 1e6,
  };
}

const epochs = Number(args.epochs);
const batchSize = Number(args["batch-size"]);
const kernels = args.kernels === "portable" ? "portable" : "native";
const { tf, info } = loadTensorflow();
const trainSet = await load(args.data, "train");
const testSet = await load(args.data, "test");
const train = uploadImages(tf, trainSet);
const test = uploadImages(tf, testSet);
const arch = { inputDim: trainSet.pixels, intermediateDim: 512, latentDim: 2 };
const seed = Number(args.seed);
const trainer = createTrainer(
  tf,
  train,
  { arch, batchSize, learningRate: 0.001, loss: "bce", seed, kernels },
  freshState(initialParams(arch, seed)),
);

const rows: {
  epoch: number;
  seconds: number;
  cpuSeconds: number;
  stealShare: number;
  othersShare: number;
  samplesPerSecond: number;
  loss: number;
  tensors: number;
}[] = [];
const cores = (fs.readFileSync("/proc/cpuinfo", "utf8").match(/^processor/gm) ?? []).length;
const before = cpuTimes();
const wallStart = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  const start = cpuTimes();
  const losses = await trainer.trainEpoch(epoch);
  const end = cpuTimes();
  const seconds = losses.durationMs / 1000;
  const n = losses.sizes.reduce((a, b) => a + b, 0);
  const loss =
    losses.reconstruction.reduce(
      (sum, r, i) => sum + (r + (losses.kl[i] as number)) * (losses.sizes[i] as number),
      0,
    ) / n;
  rows.push({
    epoch,
    seconds: Number(seconds.toFixed(3)),
    cpuSeconds: Number((end.self - start.self).toFixed(3)),
    stealShare: Number(((end.steal - start.steal) / (seconds * cores)).toFixed(3)),
    othersShare: Number(
      Math.max(0, (end.busy - start.busy - (end.self - start.self)) / (seconds * cores)).toFixed(3),
    ),
    samplesPerSecond: Math.round(n / seconds),
    loss: Number(loss.toFixed(3)),
    tensors: tf.memory().numTensors,
  });
  process.stderr.write(`epoch ${epoch}: ${seconds.toFixed(2)} s, loss ${loss.toFixed(2)}\n`);
}
const wall = (performance.now() - wallStart) / 1000;
const after = cpuTimes();
const evalStart = performance.now();
const elbo = trainer.evaluate(test);
const evalSeconds = (performance.now() - evalStart) / 1000;
trainer.dispose();
tf.dispose([train, test]);

// The first epoch pays for warm-up (JIT, oneDNN primitive creation), so it is left out.
const timed = rows.length > 1 ? rows.slice(1) : rows;
const medianOf = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const median = medianOf(timed.map((r) => r.seconds));
// Epochs when other processes and the hypervisor took under 3% of the CPUs.
const quiet = timed.filter((r) => r.stealShare + r.othersShare < 0.03).map((r) => r.seconds);
const perEpoch60k = (s: number) => Number(((s * 60000) / trainSet.count).toFixed(3));
const share = (seconds: number) => Number(Math.max(0, seconds / (wall * cores)).toFixed(3));
const others = share(after.busy - before.busy - (after.self - before.self));
const stolen = share(after.steal - before.steal);
const summary = {
  backend: info.backend,
  kernels: trainer.kernels.name,
  parameterStore: trainer.store.kind,
  images: trainSet.count,
  batchSize,
  secondsPer60kEpochMedian: perEpoch60k(median),
  secondsPer60kEpochBest: perEpoch60k(Math.min(...timed.map((r) => r.seconds))),
  secondsPer60kEpochMedianQuiet: quiet.length > 0 ? perEpoch60k(medianOf(quiet)) : null,
  quietEpochs: quiet.length,
  samplesPerSecondMedian: Math.round(trainSet.count / median),
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  testNegativeElbo: Number((elbo.reconstruction + elbo.kl).toFixed(3)),
  testReconstruction: Number(elbo.reconstruction.toFixed(3)),
  testKl: Number(elbo.kl.toFixed(3)),
  testEvalSeconds: Number(evalSeconds.toFixed(3)),
  otherProcessesCpuShare: others,
  hypervisorStealShare: stolen,
};
console.table(rows);
console.log(JSON.stringify({ ...summary, epochs: rows }, null, 2));
