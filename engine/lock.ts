// One lock file per cache key, so that two runs needing the same key compute
// it once. The holder refreshes the file's mtime; a lock whose holder process
// is gone (same host) or that has not been refreshed for STALE_MS (any host)
// is taken over.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const REFRESH_MS = 2000;
const STALE_MS = 30_000;
const POLL_MS = 100;

export interface LockHolder {
  pid: number;
  host: string;
  runId: string;
  since: string;
}

export interface Lock {
  release(): Promise<void>;
}

export interface AcquireOptions {
  runId: string;
  signal?: AbortSignal;
  /** Called once when the lock is found held by someone else. */
  onWait?(holder: LockHolder | undefined): void;
}

export async function acquireLock(file: string, options: AcquireOptions): Promise<Lock> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const me: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    runId: options.runId,
    since: new Date().toISOString(),
  };
  let told = false;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const handle = await fs.open(file, "wx");
      await handle.writeFile(JSON.stringify(me));
      await handle.close();
      return holdLock(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await readHolder(file);
    if (await isStale(file, holder)) {
      await fs.rm(file, { force: true });
      continue;
    }
    if (!told) {
      told = true;
      options.onWait?.(holder);
    }
    await sleep(POLL_MS, options.signal);
  }
}

function holdLock(file: string): Lock {
  const timer = setInterval(() => {
    const now = new Date();
    fs.utimes(file, now, now).catch(() => {});
  }, REFRESH_MS);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await fs.rm(file, { force: true });
    },
  };
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as LockHolder;
  } catch {
    return undefined;
  }
}

async function isStale(file: string, holder: LockHolder | undefined): Promise<boolean> {
  let mtimeMs: number;
  try {
    mtimeMs = (await fs.stat(file)).mtimeMs;
  } catch {
    return false;
  }
  if (Date.now() - mtimeMs > STALE_MS) return true;
  if (holder && holder.host === os.hostname()) return !processAlive(holder.pid);
  return false;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
