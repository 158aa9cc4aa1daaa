import { InterruptedError } from "../engine/errors.ts";
import { processAlive } from "../engine/lock.ts";
import { runPipeline } from "../engine/runner.ts";
import { embeddedExecutor } from "../workers/embedded.ts";
import { COMMON_HELP, COMMON_OPTIONS, parse } from "./args.ts";
import { loadContext } from "./context.ts";
import { publishRun } from "./publish-link.ts";

export const RUN_HELP = `Usage: pipeline run [STAGE...] [options]

Runs the named stages and what they need (every stage when none is named),
in dependency order, skipping stages whose cache key is already in the store.

  -f, --force           rerun the named stages even if cached
  -d, --downstream      also run every stage that depends on the named ones
      --only            run just the named stages; their inputs must be in the store
      --logDir DIR      write TensorBoard logs of training to DIR (= --set train.logDir=DIR)
${COMMON_HELP}

Exit status: 0 success, 1 a stage failed, 2 usage or configuration error,
130 interrupted.`;

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse("run", argv, {
    ...COMMON_OPTIONS,
    force: { type: "boolean", short: "f", default: false },
    downstream: { type: "boolean", short: "d", default: false },
    only: { type: "boolean", default: false },
    logDir: { type: "string" },
  });
  if (values.help) {
    process.stdout.write(`${RUN_HELP}\n`);
    return 0;
  }
  const set = [...values.set];
  if (values.logDir) set.push(`train.logDir=${values.logDir}`);
  const { pipeline, store, log } = loadContext({ ...values, set });
  await store.sweepTemp(processAlive);

  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    log.warn(`${signal}: stopping after cleaning up (again to exit at once)`);
    controller.abort(new InterruptedError(signal));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  const executor = embeddedExecutor(store);
  try {
    const record = await runPipeline(pipeline, store, {
      targets: positionals,
      force: values.force,
      downstream: values.downstream,
      only: values.only,
      executor,
      log,
      signal: controller.signal,
      command: ["pipeline", "run", ...argv],
    }).catch((error) => {
      if (error instanceof InterruptedError) return undefined;
      throw error;
    });
    if (!record) return 130;
    await publishRun(pipeline, store, record, log);
    if (values.json) {
      const stages = Object.fromEntries(
        Object.entries(record.stages).map(([name, s]) => [
          name,
          {
            status: s.status,
            key: s.key,
            durationMs: s.durationMs,
            outputs: s.outputs,
            ...(s.error ? { error: s.error } : {}),
          },
        ]),
      );
      process.stdout.write(
        `${JSON.stringify({ run: record.run, status: record.status, stages })}\n`,
      );
    }
    const counts = Object.values(record.stages).reduce<Record<string, number>>((acc, s) => {
      acc[s.status] = (acc[s.status] ?? 0) + 1;
      return acc;
    }, {});
    const summary = Object.entries(counts)
      .map(([status, n]) => `${n} ${status}`)
      .join(", ");
    log.info(
      `run ${record.run} ${record.status} in ${((record.durationMs ?? 0) / 1000).toFixed(2)}s (${summary})`,
    );
    return record.status === "succeeded" ? 0 : record.status === "interrupted" ? 130 : 1;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await executor.close();
  }
}
