// TensorBoard scalars through tf.node.summaryFileWriter, to several log
// directories at once. Steps of batch scalars count batches from the start
// of training, so a resumed run continues the same curves.
import fs from "node:fs/promises";
import type { TF } from "../engine/tensorflow.ts";

export const BATCH_TAGS = ["batch/loss", "batch/reconstruction", "batch/kl"] as const;

export interface LossScalars {
  loss: number;
  reconstruction: number;
  kl: number;
}

export interface Board {
  readonly dirs: string[];
  batch(step: number, values: LossScalars): void;
  epoch(epoch: number, train: LossScalars, test: LossScalars): void;
  flush(): void;
}

/** Whether a directory already holds event files (e.g. from a killed run). */
export async function hasEvents(dir: string): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).some((name) => name.startsWith("events.out.tfevents"));
  } catch {
    return false;
  }
}

/** Writes to `dirs`; to none when the backend is not tfjs-node (see `dirs`). */
export async function openBoard(tf: TF, dirs: string[]): Promise<Board> {
  const writers: ReturnType<TF["node"]["summaryFileWriter"]>[] = [];
  const available =
    tf.getBackend() === "tensorflow" && typeof tf.node?.summaryFileWriter === "function";
  for (const dir of available ? dirs : []) {
    await fs.mkdir(dir, { recursive: true });
    writers.push(tf.node.summaryFileWriter(dir));
  }
  const write = (tags: readonly string[], values: number[], step: number) => {
    for (const writer of writers) {
      tags.forEach((tag, i) => {
        writer.scalar(tag, values[i] as number, step);
      });
    }
  };
  return {
    dirs: available ? dirs : [],
    batch(step, v) {
      write(BATCH_TAGS, [v.loss, v.reconstruction, v.kl], step);
    },
    epoch(epoch, train, test) {
      write(
        [
          "epoch/loss",
          "epoch/reconstruction",
          "epoch/kl",
          "epoch/test_loss",
          "epoch/test_reconstruction",
          "epoch/test_kl",
        ],
        [train.loss, train.reconstruction, train.kl, test.loss, test.reconstruction, test.kl],
        epoch,
      );
    },
    flush() {
      for (const writer of writers) writer.flush();
    },
  };
}
