import { short } from "../engine/job.ts";
import { currentKeys } from "../engine/plan.ts";
import { RunLog } from "../engine/runs.ts";
import { COMMON_HELP, COMMON_OPTIONS, parse } from "./args.ts";
import { loadContext } from "./context.ts";

export const STATUS_HELP = `Usage: pipeline status [options]

Shows, per stage, whether the current config's cache key is in the store,
and the last run that computed the stage.

${COMMON_HELP}`;

export async function statusCommand(argv: string[]): Promise<number> {
  const { values } = parse("status", argv, COMMON_OPTIONS, false);
  if (values.help) {
    process.stdout.write(`${STATUS_HELP}\n`);
    return 0;
  }
  const { pipeline, store } = loadContext(values);
  const keys = await currentKeys(pipeline, store);
  const runs = await new RunLog(store.root).list(200);
  const stages = pipeline.order.map((name) => {
    const known = keys.get(name);
    const last = runs.find((r) => r.stages[name]?.status === "ran");
    return {
      stage: name,
      uses: pipeline.stages.get(name)?.uses,
      key: known?.key ?? null,
      cached: Boolean(known?.entry),
      blockedBy: known?.blockedBy ?? null,
      lastRun: last
        ? { run: last.run, at: last.startedAt, durationMs: last.stages[name]?.durationMs ?? 0 }
        : null,
    };
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ store: store.root, stages })}\n`);
    return 0;
  }
  const rows = stages.map((s) => [
    s.stage,
    s.uses ?? "",
    s.key ? short(s.key) : "-",
    s.cached ? "cached" : s.blockedBy ? `waits for ${s.blockedBy}` : "not cached",
    s.lastRun ? `${s.lastRun.run} (${(s.lastRun.durationMs / 1000).toFixed(1)}s)` : "never ran",
  ]);
  process.stdout.write(
    `store ${store.root}\n${table([["STAGE", "USES", "KEY", "STATE", "LAST RUN"], ...rows])}`,
  );
  return 0;
}

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map(
      (r) =>
        `${r
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join("  ")
          .trimEnd()}\n`,
    )
    .join("");
}
