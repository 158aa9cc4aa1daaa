import type { Job, JobResult } from "./job.ts";
import type { Logger } from "./log.ts";

/** Where jobs run: in this process, or as queued jobs on worker processes. */
export interface Executor {
  execute(job: Job, log: Logger, signal: AbortSignal): Promise<JobResult>;
  close(): Promise<void>;
}
