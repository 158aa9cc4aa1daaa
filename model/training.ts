// The train stage's run: data in, then per epoch training, test loss,
// preview, TensorBoard scalars and a checkpoint in the work directory; at the
// end the encoder and decoder models and history.json. A rerun with the same
// work directory resumes after the last checkpointed epoch.
import fs from "node:fs/promises";
import path from "node:path";
import type { StageContext } from "../engine/stage.ts";
import { type BackendInfo, loadTensorflow } from "../engine/tensorflow.ts";
import { freshState } from "./adam.ts";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import { type Images, loadImages } from "./dataset.ts";
import { type Architecture, INIT_SCHEME, initialParams } from "./params.ts";
import { PREVIEW_GRID, previewLatents, previewName, previewPng } from "./preview.ts";
import { saveModels } from "./save.ts";
import { hasEvents, openBoard } from "./tensorboard.ts";
import { createTrainer, type EpochLosses } from "./trainer.ts";
import type { ReconstructionLoss } from "./vae.ts";

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  latentDim: number;
  intermediateDim: number;
  loss: ReconstructionLoss;
  seed: number;
  limit: number;
  logDir?: string;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  reconstruction: number;
  kl: number;
  testLoss: number;
  testReconstruction: number;
  testKl: number;
  durationMs: number;
  samplesPerSecond: number;
}

interface Meta {
  fingerprint: string;
  history: EpochRecord[];
  /** Per epoch, the per-batch losses, to replay into fresh TensorBoard directories. */
  batches: { reconstruction: number[]; kl: number[] }[];
}

export const CHECKPOINT_FILE = "checkpoint.bin";

const mean = (values: number[], sizes: number[]) => {
  let sum = 0;
  let count = 0;
  values.forEach((v, i) => {
    sum += v * (sizes[i] as number);
    count += sizes[i] as number;
  });
  return sum / count;
};

export async function runTraining(
  context: StageContext<TrainOptions>,
  datasetDir: string,
): Promise<void> {
  const { tf, info } = loadTensorflow();
  const images = await loadImages(tf, datasetDir, context.params.limit);
  try {
    await trainOn(context, images, info);
  } finally {
    tf.dispose([images.train, images.test]);
  }
}

async function trainOn(
  context: StageContext<TrainOptions>,
  images: Images,
  info: BackendInfo,
): Promise<void> {
  const { tf } = loadTensorflow();
  const { params: p, log } = context;
  const counts = { train: images.train.shape[0], test: images.test.shape[0] };
  const arch: Architecture = {
    inputDim: images.pixels,
    intermediateDim: p.intermediateDim,
    latentDim: p.latentDim,
  };
  const { logDir: _, ...keyed } = p;
  const fingerprint = JSON.stringify({
    ...keyed,
    ...counts,
    arch,
  });
  const checkpointFile = path.join(context.workDir, CHECKPOINT_FILE);
  for (const name of await fs.readdir(context.workDir)) {
    // Left by a process killed while writing a checkpoint.
    if (name.startsWith(`${CHECKPOINT_FILE}.`) && name.endsWith(".tmp")) {
      await fs.rm(path.join(context.workDir, name), { force: true });
    }
  }
  const saved = await loadCheckpoint<Meta>(checkpointFile);
  const resumed = saved?.meta.fingerprint === fingerprint ? saved : undefined;
  if (saved && !resumed)
    log.warn(`ignoring ${checkpointFile}: it was written for other params or data`);
  const meta: Meta = resumed?.meta ?? { fingerprint, history: [], batches: [] };
  const state = resumed?.state ?? freshState(initialParams(arch, p.seed));
  if (resumed)
    log.info(`resuming after epoch ${meta.history.length}/${p.epochs} from ${checkpointFile}`);

  const previewsOut = path.join(context.outDir, "previews");
  const previewsKept = path.join(context.workDir, "previews");
  await fs.mkdir(previewsOut, { recursive: true });
  await fs.mkdir(previewsKept, { recursive: true });
  for (const record of meta.history) {
    const name = previewName(record.epoch);
    await fs.copyFile(path.join(previewsKept, name), path.join(previewsOut, name));
  }

  const boardDirs = [
    path.join(context.outDir, "logs"),
    ...(p.logDir ? [path.resolve(p.logDir)] : []),
  ];
  const fresh = [];
  for (const dir of boardDirs) if (!(await hasEvents(dir))) fresh.push(dir);
  const board = await openBoard(tf, boardDirs);
  if (board.dirs.length === 0)
    log.warn(`no TensorBoard logs: the ${info.backend} backend cannot write them`);
  if (meta.history.length > 0 && fresh.length > 0) {
    const replay = await openBoard(tf, fresh);
    for (const [i, record] of meta.history.entries()) {
      writeEpoch(replay, record, meta.batches[i], i);
    }
    replay.flush();
  }

  const trainer = createTrainer(
    tf,
    images.train,
    { arch, batchSize: p.batchSize, learningRate: p.learningRate, loss: p.loss, seed: p.seed },
    state,
  );
  const latents = previewLatents(arch.latentDim);
  const resumedAfter = meta.history.length;
  try {
    for (let epoch = meta.history.length + 1; epoch <= p.epochs; epoch++) {
      const progress = context.progress(`epoch ${epoch}/${p.epochs}`, counts.train, " img");
      let done = 0;
      const losses = await trainer.trainEpoch(epoch, {
        signal: context.signal,
        onStep(seen, running) {
          progress.tick(
            seen - done,
            running === undefined ? undefined : `loss ${running.toFixed(2)}`,
          );
          done = seen;
        },
      });
      const record = epochRecord(epoch, losses, trainer.evaluate(images.test));
      progress.done(`loss ${record.loss.toFixed(2)}`);

      const name = previewName(epoch);
      const png = previewPng(trainer.decode(latents), arch.inputDim, PREVIEW_GRID);
      await fs.writeFile(path.join(previewsKept, name), png);
      await fs.writeFile(path.join(previewsOut, name), png);

      const batches = { reconstruction: losses.reconstruction, kl: losses.kl };
      writeEpoch(board, record, batches, meta.history.length);
      board.flush();
      meta.history.push(record);
      meta.batches.push(batches);
      await saveCheckpoint(checkpointFile, meta, trainer.store.snapshot());
      await writeHistory(context.outDir, meta.history);
      log.info(
        `epoch ${epoch}/${p.epochs} loss ${record.loss.toFixed(3)} reconstruction ${record.reconstruction.toFixed(3)} ` +
          `kl ${record.kl.toFixed(3)} test loss ${record.testLoss.toFixed(3)} ` +
          `${Math.round(record.samplesPerSecond)} samples/s preview previews/${name}`,
      );
    }
    await saveModels(tf, arch, trainer.store.snapshot().weights, context.outDir);
    await writeHistory(context.outDir, meta.history);
    const last = meta.history[meta.history.length - 1];
    context.describe({
      backend: info.backend,
      nativeBackend: info.native,
      kernels: trainer.kernels.name,
      parameterStore: trainer.store.kind,
      init: INIT_SCHEME,
      latentDim: arch.latentDim,
      intermediateDim: arch.intermediateDim,
      loss: p.loss,
      trainImages: counts.train,
      testImages: counts.test,
      epochs: meta.history.length,
      resumedAfterEpoch: resumedAfter,
      finalLoss: last?.loss,
      finalReconstruction: last?.reconstruction,
      finalKl: last?.kl,
      finalTestLoss: last?.testLoss,
      finalTestReconstruction: last?.testReconstruction,
      finalTestKl: last?.testKl,
    });
  } finally {
    trainer.dispose();
  }
}

function epochRecord(
  epoch: number,
  losses: EpochLosses,
  test: { reconstruction: number; kl: number },
): EpochRecord {
  const samples = losses.sizes.reduce((a, b) => a + b, 0);
  const reconstruction = mean(losses.reconstruction, losses.sizes);
  const kl = mean(losses.kl, losses.sizes);
  return {
    epoch,
    loss: reconstruction + kl,
    reconstruction,
    kl,
    testLoss: test.reconstruction + test.kl,
    testReconstruction: test.reconstruction,
    testKl: test.kl,
    durationMs: losses.durationMs,
    samplesPerSecond: samples / (losses.durationMs / 1000),
  };
}

function writeEpoch(
  board: Awaited<ReturnType<typeof openBoard>>,
  record: EpochRecord,
  batches: Meta["batches"][number] | undefined,
  epochIndex: number,
) {
  const first = epochIndex * (batches?.reconstruction.length ?? 0);
  batches?.reconstruction.forEach((reconstruction, i) => {
    const kl = batches.kl[i] as number;
    board.batch(first + i + 1, { loss: reconstruction + kl, reconstruction, kl });
  });
  board.epoch(
    record.epoch,
    { loss: record.loss, reconstruction: record.reconstruction, kl: record.kl },
    { loss: record.testLoss, reconstruction: record.testReconstruction, kl: record.testKl },
  );
}

async function writeHistory(outDir: string, history: EpochRecord[]): Promise<void> {
  await fs.writeFile(path.join(outDir, "history.json"), `${JSON.stringify(history, null, 2)}\n`);
}
