// Runs one worker outside the engine, on temporary directories, for tests
// that exercise a stage's own behaviour.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { makeLogger } from "../../engine/log.ts";
import { makeProgress } from "../../engine/progress.ts";
import type { Entry, Manifest, Stage, StageContext } from "../../engine/stage.ts";

export interface StageHarness<P> {
  context: StageContext<P>;
  details: Record<string, unknown>;
  lines: string[];
}

export async function makeStageContext<P>(
  stage: Stage<P>,
  params: unknown,
  inputs: Record<string, Entry> = {},
  dirs: { outDir?: string; workDir?: string } = {},
): Promise<StageHarness<P>> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), `stage-${stage.worker}-`));
  const outDir = dirs.outDir ?? path.join(root, "out");
  const workDir = dirs.workDir ?? path.join(root, "work");
  await fs.mkdir(outDir, { recursive: true });
  await fs.mkdir(workDir, { recursive: true });
  const lines: string[] = [];
  const details: Record<string, unknown> = {};
  const log = makeLogger({ level: "debug", write: (line) => lines.push(line) }, [stage.worker]);
  const context: StageContext<P> = {
    stage: stage.worker,
    runId: "test-run",
    key: "test-key",
    params: stage.params.parse(params),
    inputs,
    outDir,
    workDir,
    log,
    signal: new AbortController().signal,
    progress: (label, total, unit) => makeProgress(label, total, unit, { interactive: false }),
    describe: (fields) => Object.assign(details, fields),
  };
  return { context, details, lines };
}

/** An entry made from a directory of files, standing in for an upstream output. */
export function entryFromDir(
  stage: string,
  dir: string,
  details: Record<string, unknown> = {},
): Entry {
  const manifest = {
    stage,
    worker: stage,
    key: `${stage}-key`,
    digest: `${stage}-digest`,
    details,
  } as Manifest;
  return { stage, key: manifest.key, dir, manifest };
}
