// Glossary
// stage:    an entry of pipeline.yaml; it names the worker that runs it (`uses`),
//           the stages it needs and its params.
// worker:   the code behind `uses`, one file under stages/; it reads only its
//           inputs and writes only its output directory.
// cache key: SHA-256 over worker, worker version, canonical key params and the
//           content digests of the inputs; it names a store entry.
// entry:    a finished stage output in the store, under stage/key, described by
//           manifest.json, which is written last.
// artifact: a file in an entry.
// run:      one invocation of the pipeline; it has an id and a record in the store.
// job:      one stage of one run, as executed by a worker process.
import type { z } from "zod";
import type { Logger } from "./log.ts";
import type { Progress } from "./progress.ts";

export interface Stage<Params = unknown> {
  /** The name pipeline.yaml's `uses:` refers to. */
  worker: string;
  /** Bump when a change to the code changes what the worker writes. */
  version: number;
  description: string;
  params: z.ZodType<Params>;
  /**
   * Upstream outputs this worker reads, by role: `{ dataset: "convert" }`
   * means one of the stage's `needs` must use the convert worker, and its
   * entry arrives as `context.inputs.dataset`.
   */
  inputs: Record<string, string>;
  /** The part of the params that decides the output; all of them by default. */
  keyParams?(params: Params): unknown;
  /** Whether run() loads TensorFlow; recorded in the manifest. */
  usesTensorflow: boolean;
  run(context: StageContext<Params>): Promise<void>;
  /**
   * Called instead of run() on a cache hit, for params outside the key that
   * still ask for something (train's logDir: copy the entry's logs there).
   */
  reuse?(entry: Entry, params: Params, log: Logger): Promise<void>;
}

export interface StageContext<Params> {
  /** The stage's name in pipeline.yaml. */
  stage: string;
  runId: string;
  key: string;
  params: Params;
  inputs: Record<string, Entry>;
  /** Where the worker writes its artifacts; renamed into the store on success. */
  outDir: string;
  /** Survives a failed or killed job with the same key (checkpoints). */
  workDir: string;
  log: Logger;
  signal: AbortSignal;
  progress(label: string, total: number, unit?: string): Progress;
  /** Adds worker-specific fields (shapes, dtypes, ...) to the manifest. */
  describe(fields: Record<string, unknown>): void;
}

export interface Entry {
  stage: string;
  key: string;
  dir: string;
  manifest: Manifest;
}

export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
}

export interface Manifest {
  stage: string;
  worker: string;
  version: number;
  key: string;
  /** SHA-256 over the sorted (path, sha256) pairs: what downstream keys hash. */
  digest: string;
  params: unknown;
  inputs: Record<string, { stage: string; key: string; digest: string }>;
  files: ManifestFile[];
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  backend: string;
  host: string;
  details: Record<string, unknown>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds stages of every param type
export type AnyStage = Stage<any>;
