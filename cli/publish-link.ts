// After a run whose publish stage produced a new entry, expose it as
// <store>/published/<run>/ and point <store>/published/latest at it.
import fs from "node:fs/promises";
import path from "node:path";
import type { Pipeline } from "../engine/config.ts";
import type { Logger } from "../engine/log.ts";
import type { RunRecord } from "../engine/runs.ts";
import type { Store } from "../engine/store.ts";

export async function publishRun(
  pipeline: Pipeline,
  store: Store,
  record: RunRecord,
  log: Logger,
): Promise<void> {
  for (const [name, stage] of pipeline.stages) {
    const result = record.stages[name];
    if (stage.uses !== "publish" || result?.status !== "ran" || !result.outputs) continue;
    const root = path.join(store.root, "published");
    const target = path.join(root, record.run);
    const staging = `${target}.tmp-${process.pid}`;
    await fs.rm(staging, { recursive: true, force: true });
    await fs.cp(result.outputs, staging, { recursive: true });
    await fs.rm(path.join(staging, "manifest.json"), { force: true });
    await fs.rename(staging, target);
    const latest = path.join(root, "latest");
    const link = `${latest}.tmp-${process.pid}`;
    await fs.rm(link, { force: true });
    await fs.symlink(record.run, link);
    await fs.rename(link, latest);
    log.scope(name).info(`published → ${target} (latest)`);
  }
}
