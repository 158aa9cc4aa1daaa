// Reads the training's event files with TensorBoard's own reader, from the
// Python environment that .ci/run prepares (TENSORBOARD_PYTHON overrides it).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { it } from "node:test";
import { REPO, runCli } from "./helpers/cli.ts";
import { makeFixture } from "./helpers/fixture-pipeline.ts";

const PYTHON =
  process.env.TENSORBOARD_PYTHON ??
  path.join(
    process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"),
    "mrs-robot/tensorboard-venv/bin/python",
  );

it("writes batch and epoch losses that TensorBoard reads", async () => {
  assert.ok(
    fs.existsSync(PYTHON),
    `no Python with tensorboard at ${PYTHON}: run .ci/run, which creates it`,
  );
  const fixture = await makeFixture(`  train:
    uses: train
    needs: [convert]
    params:
      epochs: 2
      batchSize: 40
      intermediateDim: 16
`);
  const logDir = path.join(fixture.dir, "vae_logs");
  const result = await runCli(["run", "train", "--logDir", logDir], { cwd: fixture.dir });
  assert.equal(result.code, 0, result.stderr);
  const reader = path.join(REPO, "test/helpers/read-tensorboard.py");
  const scalars = JSON.parse(execFileSync(PYTHON, [reader, logDir], { encoding: "utf8" }));
  // 120 training images at batch 40: 3 steps per epoch, 2 epochs.
  for (const tag of ["batch/loss", "batch/reconstruction", "batch/kl"]) {
    assert.equal(scalars[tag], 6, `${tag}: ${JSON.stringify(scalars)}`);
  }
  for (const tag of ["epoch/loss", "epoch/test_loss"]) {
    assert.equal(scalars[tag], 2, `${tag}: ${JSON.stringify(scalars)}`);
  }
});
