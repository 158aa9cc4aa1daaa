import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { it } from "node:test";
import { acquireLock } from "../engine/lock.ts";

async function lockPath() {
  return path.join(await fs.mkdtemp(path.join(os.tmpdir(), "lock-")), "key.lock");
}

it("takes over a lock whose holder process is gone", async () => {
  const file = await lockPath();
  const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid as number;
  await fs.writeFile(
    file,
    JSON.stringify({ pid: dead, host: os.hostname(), runId: "old", since: "" }),
  );
  const lock = await acquireLock(file, { runId: "new", signal: AbortSignal.timeout(2000) });
  assert.equal(JSON.parse(await fs.readFile(file, "utf8")).runId, "new");
  await lock.release();
  await assert.rejects(fs.access(file), "release removes the lock file");
});

it("waits while a live holder keeps the lock, and gets it once released", async () => {
  const file = await lockPath();
  const first = await acquireLock(file, { runId: "first" });
  let waited = false;
  const second = acquireLock(file, { runId: "second", onWait: () => (waited = true) });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok(waited, "the second acquirer should report that it waits");
  assert.equal(JSON.parse(await fs.readFile(file, "utf8")).runId, "first");
  await first.release();
  const lock = await second;
  assert.equal(JSON.parse(await fs.readFile(file, "utf8")).runId, "second");
  await lock.release();
});
