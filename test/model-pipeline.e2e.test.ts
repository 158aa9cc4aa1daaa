// The whole pipeline through the real command, on a small generated data set.
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { pngSize } from "../data/png.ts";
import { REPO, runCli } from "./helpers/cli.ts";
import { makeFixture } from "./helpers/fixture-pipeline.ts";

const MODEL_STAGES = `  train:
    uses: train
    needs: [convert]
    params:
      epochs: 2
      batchSize: 32
      intermediateDim: 32
  evaluate:
    uses: evaluate
    needs: [convert, train]
  render:
    uses: render
    needs: [train, evaluate]
    params:
      grid: 6
  publish:
    uses: publish
    needs: [convert, train, evaluate, render]
`;

interface RunJson {
  run: string;
  status: string;
  stages: Record<string, { status: string; outputs: string }>;
}

const statuses = (run: RunJson) =>
  Object.fromEntries(Object.entries(run.stages).map(([n, s]) => [n, s.status]));

describe("the full pipeline on generated images", () => {
  it("trains, evaluates, renders and publishes; then reruns only what a param change touches", async () => {
    const fixture = await makeFixture(MODEL_STAGES);
    const logDir = path.join(fixture.dir, "tensorboard");
    const probe = path.join(fixture.dir, "tensorflow-loads.txt");
    const probeEnv = {
      NODE_OPTIONS: `--require ${path.join(REPO, "test/helpers/tensorflow-probe.cjs")}`,
      TF_PROBE_FILE: probe,
    };
    const first = await runCli(["run", "--json", "--logDir", logDir], {
      cwd: fixture.dir,
      env: probeEnv,
    });
    assert.equal(first.code, 0, first.stderr);
    const run = JSON.parse(first.stdout) as RunJson;
    assert.deepEqual(Object.values(statuses(run)), ["ran", "ran", "ran", "ran", "ran", "ran"]);
    assert.match(
      await fs.readFile(probe, "utf8"),
      /@tensorflow\/tfjs-node/,
      "training loads native TensorFlow",
    );
    await fs.rm(probe);

    const published = path.join(fixture.dir, "artifacts/published", run.run);
    assert.equal(await fs.readlink(path.join(fixture.dir, "artifacts/published/latest")), run.run);
    const files = await fs.readdir(published);
    for (const name of [
      "index.html",
      "manifold.png",
      "latent.png",
      "metrics.json",
      "history.json",
      "encoder",
      "decoder",
      "previews",
      "logs",
    ]) {
      assert.ok(files.includes(name), `published run lacks ${name}: ${files.join(", ")}`);
    }
    assert.deepEqual(pngSize(await fs.readFile(path.join(published, "manifold.png"))), {
      width: 168,
      height: 168,
    });
    const metrics = JSON.parse(await fs.readFile(path.join(published, "metrics.json"), "utf8"));
    assert.ok(Number.isFinite(metrics.test.loss), `test.loss is ${metrics.test.loss}`);
    assert.ok((await fs.readdir(logDir)).length > 0, "--logDir received no TensorBoard files");
    assert.match(first.stderr, /\[publish\] published → .*published\/\d{8}-\d{6}-\w+ \(latest\)/);

    const again = JSON.parse(
      (await runCli(["run", "--json"], { cwd: fixture.dir })).stdout,
    ) as RunJson;
    assert.deepEqual(Object.values(statuses(again)), [
      "cached",
      "cached",
      "cached",
      "cached",
      "cached",
      "cached",
    ]);

    const changed = await runCli(["run", "--json", "--set", "render.grid=5"], { cwd: fixture.dir });
    assert.equal(changed.code, 0, changed.stderr);
    assert.deepEqual(statuses(JSON.parse(changed.stdout) as RunJson), {
      fetch: "cached",
      convert: "cached",
      train: "cached",
      evaluate: "cached",
      render: "ran",
      publish: "ran",
    });
    assert.match(changed.stderr, /\[render\] running \(params changed: grid 6 → 5\)/);
  });
});
