// Runs the selected stages in dependency order, skipping cache hits, and
// keeps the run record up to date as it goes.
import type { Pipeline, StageConfig } from "./config.ts";
import { ConfigError, errorMessage, InterruptedError, interruption } from "./errors.ts";
import type { Executor } from "./executor.ts";
import { downstreamOf, upstreamOf } from "./graph.ts";
import { type JobResult, short } from "./job.ts";
import { type KeyState, readKeyState, whyRerun, writeKeyState } from "./key-state.ts";
import type { Logger } from "./log.ts";
import { currentKeys, inputsOf, keyFor } from "./plan.ts";
import { newRunId, RunLog, type RunRecord, type StageRecord } from "./runs.ts";
import type { Entry } from "./stage.ts";
import type { Store } from "./store.ts";

export interface RunOptions {
  /** Stage names; every stage when empty. */
  targets?: string[];
  /** Rerun the targets even when cached. */
  force?: boolean;
  /** Also run every stage that depends on the targets. */
  downstream?: boolean;
  /** Run only the targets; their inputs must be in the store already. */
  only?: boolean;
  executor: Executor;
  log: Logger;
  signal: AbortSignal;
  command?: string[];
  runId?: string;
}

export async function runPipeline(
  pipeline: Pipeline,
  store: Store,
  options: RunOptions,
): Promise<RunRecord> {
  const { log, signal } = options;
  const selection = select(pipeline, options);
  const entries = options.only
    ? await cachedInputs(pipeline, store, selection.run)
    : new Map<string, Entry>();

  const runs = new RunLog(store.root);
  const record = runs.start(options.runId ?? newRunId(), options.command ?? []);
  await runs.save(record);
  log.debug(`run ${record.run}: ${[...selection.run].join(", ")}`);

  const started = Date.now();
  for (const name of pipeline.order.filter((n) => selection.run.has(n))) {
    const stage = pipeline.stages.get(name) as StageConfig;
    const stageLog = log.scope(name);
    const blocked = stage.needs.find((need) => record.stages[need] && !entries.has(need));
    if (blocked || record.status === "interrupted") {
      record.stages[name] = {
        status: "skipped",
        durationMs: 0,
        reason: blocked ? `${blocked} did not finish` : "run interrupted",
      };
      await runs.save(record);
      continue;
    }
    const inputs = inputsOf(stage, entries) as Record<string, Entry>;
    const key = keyFor(stage, inputs);
    const forced = selection.forced.has(name);
    const stageRecord = await runStage(
      store,
      stage,
      key,
      inputs,
      forced,
      record.run,
      options,
      stageLog,
    );
    record.stages[name] = stageRecord.record;
    if (stageRecord.entry) entries.set(name, stageRecord.entry);
    if (stageRecord.record.status === "failed") record.status = "failed";
    if (stageRecord.interrupted) record.status = "interrupted";
    await runs.save(record);
  }
  if (record.status === "running") record.status = "succeeded";
  record.finishedAt = new Date().toISOString();
  record.durationMs = Date.now() - started;
  await runs.save(record);
  if (signal.aborted && record.status === "interrupted") throw interruption(signal);
  return record;
}

interface StageOutcome {
  record: StageRecord;
  entry?: Entry;
  interrupted?: boolean;
}

async function runStage(
  store: Store,
  stage: StageConfig,
  key: string,
  inputs: Record<string, Entry>,
  forced: boolean,
  runId: string,
  options: RunOptions,
  log: Logger,
): Promise<StageOutcome> {
  const state: KeyState = {
    key,
    worker: stage.worker.worker,
    version: stage.worker.version,
    params: stage.worker.keyParams ? stage.worker.keyParams(stage.params) : stage.params,
    inputs: Object.fromEntries(
      Object.entries(inputs).map(([role, e]) => [role, e.manifest.digest]),
    ),
  };
  const outputs = store.entryDir(stage.name, key);
  if (!forced) {
    const cached = await store.lookup(stage.name, key);
    if (cached) {
      log.info(`cache hit ${short(key)} (from run ${cached.manifest.runId})`);
      await stage.worker.reuse?.(cached, stage.params, log);
      await writeKeyState(store.root, stage.name, state);
      return { record: { status: "cached", key, durationMs: 0, outputs }, entry: cached };
    }
  }
  const reason = forced ? "forced" : whyRerun(await readKeyState(store.root, stage.name), state);
  log.info(`running (${reason})`);
  let result: JobResult;
  try {
    result = await options.executor.execute(
      {
        runId,
        stage: stage.name,
        worker: stage.worker,
        params: stage.params,
        key,
        inputs,
        force: forced,
      },
      log,
      options.signal,
    );
  } catch (error) {
    const interrupted = error instanceof InterruptedError;
    log.error(
      interrupted
        ? "interrupted; nothing was written to the store"
        : errorMessage(error).replace(/^stage \S+ failed: /, "failed: "),
    );
    return {
      record: { status: "failed", key, durationMs: 0, reason, error: errorMessage(error) },
      interrupted,
    };
  }
  await writeKeyState(store.root, stage.name, state);
  const seconds = (result.durationMs / 1000).toFixed(1);
  if (result.ran) log.info(`done in ${seconds}s → ${outputs}`);
  return {
    record: {
      status: result.ran ? "ran" : "cached",
      key,
      durationMs: result.durationMs,
      outputs,
      reason,
    },
    entry: result.entry,
  };
}

interface Selection {
  run: Set<string>;
  forced: Set<string>;
}

export function select(
  pipeline: Pipeline,
  options: Pick<RunOptions, "targets" | "force" | "downstream" | "only">,
): Selection {
  const targets = options.targets?.length ? options.targets : pipeline.order;
  const unknown = targets.filter((t) => !pipeline.stages.has(t));
  if (unknown.length > 0) {
    throw new ConfigError(
      `unknown stage ${unknown.map((u) => `"${u}"`).join(", ")} (stages: ${pipeline.order.join(", ")})`,
    );
  }
  const graph = new Map([...pipeline.stages].map(([name, s]) => [name, s.needs]));
  const named = options.downstream ? downstreamOf(graph, targets) : new Set(targets);
  const run = options.only ? named : upstreamOf(graph, named);
  return { run, forced: options.force ? named : new Set() };
}

/** For --only: the entries every selected stage reads, which must already be in the store. */
async function cachedInputs(
  pipeline: Pipeline,
  store: Store,
  selected: Set<string>,
): Promise<Map<string, Entry>> {
  const keys = await currentKeys(pipeline, store);
  const entries = new Map<string, Entry>();
  const missing: string[] = [];
  for (const name of selected) {
    for (const need of pipeline.stages.get(name)?.needs ?? []) {
      if (selected.has(need)) continue;
      const known = keys.get(need);
      if (known?.entry) entries.set(need, known.entry);
      else {
        const why = known?.key
          ? `no entry for key ${short(known.key)}`
          : `its input ${known?.blockedBy} is not in the store either`;
        missing.push(`${name} needs ${need}: ${why}`);
      }
    }
  }
  if (missing.length > 0) {
    throw new ConfigError(
      "--only runs just the named stages, but some of their inputs are not in the store (run without --only to compute them)",
      [...new Set(missing)],
    );
  }
  return entries;
}
