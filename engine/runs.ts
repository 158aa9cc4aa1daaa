// Run records: what each run did to each stage, and why.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readJson, writeFileAtomic } from "./atomic.ts";

export type StageStatus = "ran" | "cached" | "failed" | "skipped";
export type RunStatus = "running" | "succeeded" | "failed" | "interrupted";

export interface StageRecord {
  status: StageStatus;
  key?: string;
  durationMs: number;
  outputs?: string;
  /** Why the stage ran, or why it was skipped. */
  reason?: string;
  error?: string;
}

export interface RunRecord {
  run: string;
  status: RunStatus;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  host: string;
  pid: number;
  command: string[];
  stages: Record<string, StageRecord>;
}

/** Sortable, and free of ':' so it can be a BullMQ job id. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}

export class RunLog {
  constructor(private readonly root: string) {}

  private file(run: string): string {
    return path.join(this.root, "runs", `${run}.json`);
  }

  start(run: string, command: string[]): RunRecord {
    return {
      run,
      status: "running",
      startedAt: new Date().toISOString(),
      host: os.hostname(),
      pid: process.pid,
      command,
      stages: {},
    };
  }

  async save(record: RunRecord): Promise<void> {
    await writeFileAtomic(this.file(record.run), `${JSON.stringify(record, null, 2)}\n`);
  }

  async get(run: string): Promise<RunRecord | undefined> {
    return readJson<RunRecord>(this.file(run));
  }

  /** Run records, newest first. */
  async list(limit = Number.POSITIVE_INFINITY): Promise<RunRecord[]> {
    let names: string[];
    try {
      names = await fs.readdir(path.join(this.root, "runs"));
    } catch {
      return [];
    }
    const runs = names
      .filter((n) => n.endsWith(".json"))
      .sort()
      .reverse()
      .slice(0, limit);
    const records = await Promise.all(runs.map((n) => this.get(n.slice(0, -5))));
    return records.filter((r): r is RunRecord => r !== undefined);
  }
}
