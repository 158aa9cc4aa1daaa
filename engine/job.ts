// One stage of one run: take the key's lock, reuse the entry if someone else
// finished it meanwhile, else run the worker into a temporary directory and
// commit it to the store.
import fs from "node:fs/promises";
import os from "node:os";
import { interruption, StageFailedError } from "./errors.ts";
import { acquireLock } from "./lock.ts";
import type { Logger } from "./log.ts";
import { makeProgress } from "./progress.ts";
import type { AnyStage, Entry } from "./stage.ts";
import type { Store } from "./store.ts";
import { loadedBackend } from "./tensorflow.ts";

export interface Job {
  runId: string;
  stage: string;
  worker: AnyStage;
  params: unknown;
  key: string;
  inputs: Record<string, Entry>;
  /** Run even when an entry exists. */
  force: boolean;
}

export interface JobResult {
  entry: Entry;
  ran: boolean;
  durationMs: number;
}

export async function executeJob(
  store: Store,
  job: Job,
  log: Logger,
  signal: AbortSignal,
): Promise<JobResult> {
  const started = Date.now();
  const lock = await acquireLock(store.lockFile(job.stage, job.key), {
    runId: job.runId,
    signal,
    onWait: (holder) =>
      log.info(
        `waiting for ${holder ? `run ${holder.runId} (pid ${holder.pid} on ${holder.host})` : "another run"}, which is computing key ${short(job.key)}`,
      ),
  });
  try {
    if (!job.force) {
      const finished = await store.lookup(job.stage, job.key);
      if (finished) {
        log.info(`cache hit: computed meanwhile by run ${finished.manifest.runId}`);
        return { entry: finished, ran: false, durationMs: Date.now() - started };
      }
    }
    const outDir = await store.makeTempDir(job.stage, job.key);
    const workDir = store.workDir(job.stage, job.key);
    await fs.mkdir(workDir, { recursive: true });
    const details: Record<string, unknown> = {};
    const startedAt = new Date();
    try {
      await job.worker.run({
        stage: job.stage,
        runId: job.runId,
        key: job.key,
        params: job.params,
        inputs: job.inputs,
        outDir,
        workDir,
        log,
        signal,
        progress: (label, total, unit) => makeProgress(`[${job.stage}] ${label}`, total, unit),
        describe: (fields) => Object.assign(details, fields),
      });
      signal.throwIfAborted();
    } catch (error) {
      await fs.rm(outDir, { recursive: true, force: true });
      if (signal.aborted) throw interruption(signal);
      throw new StageFailedError(job.stage, error);
    }
    const finishedAt = new Date();
    const entry = await store.commit(outDir, {
      stage: job.stage,
      worker: job.worker.worker,
      version: job.worker.version,
      key: job.key,
      params: job.params,
      inputs: Object.fromEntries(
        Object.entries(job.inputs).map(([role, input]) => [
          role,
          { stage: input.stage, key: input.key, digest: input.manifest.digest },
        ]),
      ),
      runId: job.runId,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      backend: job.worker.usesTensorflow ? (loadedBackend() ?? "unknown") : "none",
      host: os.hostname(),
      details,
    });
    await fs.rm(workDir, { recursive: true, force: true });
    return { entry, ran: true, durationMs: Date.now() - started };
  } finally {
    await lock.release();
  }
}

export function short(key: string): string {
  return key.slice(0, 12);
}
