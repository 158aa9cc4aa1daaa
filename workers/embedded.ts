// The default executor: every job runs in this process, no services needed.
import type { Executor } from "../engine/executor.ts";
import { executeJob } from "../engine/job.ts";
import type { Store } from "../engine/store.ts";

export function embeddedExecutor(store: Store): Executor {
  return {
    execute: (job, log, signal) => executeJob(store, job, log, signal),
    close: async () => {},
  };
}
