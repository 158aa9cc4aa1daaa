// The real command on real files: the project's stages, its store and its CLI.
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { readNpy } from "../data/npy.ts";
import { REAL_DATA, REPO, runCli } from "./helpers/cli.ts";
import { makeFixture } from "./helpers/fixture-pipeline.ts";
import { startHttpServer } from "./helpers/http-server.ts";

interface RunJson {
  run: string;
  status: string;
  stages: Record<string, { status: string; key: string; durationMs: number; outputs: string }>;
}

function parseRun(stdout: string): RunJson {
  return JSON.parse(stdout) as RunJson;
}

describe("pipeline run on the real Fashion-MNIST files", () => {
  it("fetches, verifies and converts 60,000 + 10,000 images, then reruns nothing", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "mrs-robot-real-"));
    await fs.copyFile(path.join(REPO, "pipeline.yaml"), path.join(dir, "pipeline.yaml"));
    const source = `fetch.sources=${pathToFileURL(REAL_DATA).href}`;

    const first = await runCli(["run", "convert", "--json", "--set", source], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    const run = parseRun(first.stdout);
    assert.equal(run.status, "succeeded");
    assert.equal(run.stages.fetch?.status, "ran");
    assert.equal(run.stages.convert?.status, "ran");

    const outputs = run.stages.convert?.outputs as string;
    const trainLabels = await readNpy(path.join(outputs, "train-labels.npy"));
    const trainImages = await readNpy(path.join(outputs, "train-images.npy"));
    const testImages = await readNpy(path.join(outputs, "test-images.npy"));
    assert.deepEqual(trainImages.shape, [60000, 28, 28]);
    assert.deepEqual(testImages.shape, [10000, 28, 28]);
    assert.deepEqual([...trainLabels.data.subarray(0, 10)], [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);

    const second = await runCli(["run", "convert", "--json", "--set", source], { cwd: dir });
    assert.equal(second.code, 0, second.stderr);
    const again = parseRun(second.stdout);
    assert.deepEqual(
      Object.values(again.stages).map((s) => s.status),
      ["cached", "cached"],
    );
    const record = JSON.parse(
      await fs.readFile(path.join(dir, "artifacts/runs", `${again.run}.json`), "utf8"),
    );
    assert.equal(record.stages.convert.status, "cached");
    assert.match(second.stderr, /\[fetch\] cache hit/);
  });
});

describe("Debian's dataset-fashion-mnist package as the source", () => {
  it("is accepted by the decompressed checksums although its gzip headers differ", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "mrs-robot-debian-"));
    await fs.copyFile(path.join(REPO, "pipeline.yaml"), path.join(dir, "pipeline.yaml"));
    const source = "fetch.sources=file:///usr/share/datasets/fashion-mnist";
    const result = await runCli(["run", "fetch", "--json", "--set", source], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const outputs = parseRun(result.stdout).stages.fetch?.outputs as string;
    const manifest = JSON.parse(await fs.readFile(path.join(outputs, "manifest.json"), "utf8"));
    const trainImages = manifest.details.files.trainImages;
    assert.equal(
      trainImages.sha256,
      "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    );
    assert.equal(trainImages.gzipMatched, false);
    assert.match(
      result.stderr,
      /the gzip bytes from file:\/\/\/usr\/share\/datasets\/fashion-mnist\/train-images-idx3-ubyte.gz differ from the published archive/,
    );
  });
});

describe("pipeline run on a generated data set", () => {
  it("keeps fetch cached when only the sources change", async () => {
    const fixture = await makeFixture();
    const copy = path.join(fixture.dir, "mirror");
    await fs.cp(fixture.dataDir, copy, { recursive: true });
    await runCli(["run"], { cwd: fixture.dir });
    const result = await runCli(
      ["run", "--json", "--set", `fetch.sources=${pathToFileURL(copy).href}`],
      {
        cwd: fixture.dir,
      },
    );
    assert.equal(parseRun(result.stdout).stages.fetch?.status, "cached");
  });

  it("shows status per stage, and verify catches a changed artifact", async () => {
    const fixture = await makeFixture();
    const before = await runCli(["status", "--json"], { cwd: fixture.dir });
    const statusBefore = JSON.parse(before.stdout);
    assert.deepEqual(
      statusBefore.stages.map((s: { cached: boolean; blockedBy: string | null }) => [
        s.cached,
        s.blockedBy,
      ]),
      [
        [false, null],
        [false, "fetch"],
      ],
    );
    const run = parseRun((await runCli(["run", "--json"], { cwd: fixture.dir })).stdout);
    const status = JSON.parse((await runCli(["status", "--json"], { cwd: fixture.dir })).stdout);
    assert.deepEqual(
      status.stages.map((s: { cached: boolean }) => s.cached),
      [true, true],
    );
    assert.equal(status.stages[1].lastRun.run, run.run);

    const ok = await runCli(["verify"], { cwd: fixture.dir });
    assert.equal(ok.code, 0, ok.stderr);
    const tampered = path.join(run.stages.convert?.outputs as string, "test-labels.npy");
    await fs.appendFile(tampered, "x");
    const bad = await runCli(["verify"], { cwd: fixture.dir });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /MISMATCH convert\/\w+/);
    assert.match(bad.stderr, /test-labels\.npy: expected sha256 [0-9a-f]{64}, found [0-9a-f]{64}/);

    assert.equal((await runCli(["verify", "--delete"], { cwd: fixture.dir })).code, 1);
    const rerun = parseRun((await runCli(["run", "--json"], { cwd: fixture.dir })).stdout);
    assert.equal(rerun.stages.convert?.status, "ran");
    assert.equal((await runCli(["verify"], { cwd: fixture.dir })).code, 0);
  });

  it("--only refuses when inputs are missing, and --force reruns a cached stage", async () => {
    const fixture = await makeFixture();
    const only = await runCli(["run", "convert", "--only"], { cwd: fixture.dir });
    assert.equal(only.code, 2);
    assert.match(only.stderr, /convert needs fetch: no entry for key \w+/);

    await runCli(["run"], { cwd: fixture.dir });
    const forced = parseRun(
      (await runCli(["run", "convert", "--force", "--json"], { cwd: fixture.dir })).stdout,
    );
    assert.deepEqual(
      [forced.stages.fetch?.status, forced.stages.convert?.status],
      ["cached", "ran"],
    );
    const onlyNow = parseRun(
      (await runCli(["run", "convert", "--only", "--force", "--json"], { cwd: fixture.dir }))
        .stdout,
    );
    assert.deepEqual(Object.keys(onlyNow.stages), ["convert"]);
  });

  it("fails with exit 1 on a bad IDX file, leaving nothing half-written", async () => {
    const fixture = await makeFixture();
    const labels = path.join(fixture.dataDir, "t10k-labels-idx1-ubyte.gz");
    const zlib = await import("node:zlib");
    const bad = Buffer.from(zlib.gunzipSync(await fs.readFile(labels)));
    bad.writeUInt32BE(0x00000803, 0);
    const { createHash } = await import("node:crypto");
    const gz = zlib.gzipSync(bad);
    await fs.writeFile(labels, gz);
    const config = (await fs.readFile(fixture.config, "utf8"))
      .replace(
        fixture.files.testLabels?.sha256 as string,
        createHash("sha256").update(bad).digest("hex"),
      )
      .replace(
        fixture.files.testLabels?.gzipSha256 as string,
        createHash("sha256").update(gz).digest("hex"),
      );
    await fs.writeFile(fixture.config, config);

    const result = await runCli(["run", "--json"], { cwd: fixture.dir });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /test-labels\.idx: expected magic 0x00000801 .* for labels, found 0x00000803/,
    );
    const run = parseRun(result.stdout);
    assert.equal(run.stages.convert?.status, "failed");
    await assert.rejects(fs.access(path.join(fixture.dir, "artifacts/entries/convert")));
    assert.deepEqual(await fs.readdir(path.join(fixture.dir, "artifacts/tmp")), []);
  });

  it("stops cleanly on Ctrl-C, with nothing half-written", async () => {
    const server = await startHttpServer();
    try {
      const fixture = await makeFixture();
      server.reply("/data/train-images-idx3-ubyte.gz", { kind: "hang" });
      const result = await runCli(["run", "--set", `fetch.sources=${server.origin}/data/`], {
        cwd: fixture.dir,
        onSpawn: (child) => {
          const poll = setInterval(() => {
            if (server.hits("/data/train-images-idx3-ubyte.gz") > 0) {
              clearInterval(poll);
              child.kill("SIGINT");
            }
          }, 50);
        },
      });
      assert.equal(result.code, 130, result.stderr);
      assert.match(result.stderr, /SIGINT: stopping/);
      await assert.rejects(fs.access(path.join(fixture.dir, "artifacts/entries")));
      assert.deepEqual(await fs.readdir(path.join(fixture.dir, "artifacts/tmp")), []);
      const [runFile] = await fs.readdir(path.join(fixture.dir, "artifacts/runs"));
      const record = JSON.parse(
        await fs.readFile(path.join(fixture.dir, "artifacts/runs", runFile as string), "utf8"),
      );
      assert.equal(record.status, "interrupted");
      assert.equal(record.stages.convert.status, "skipped");
    } finally {
      await server.close();
    }
  });

  it("two concurrent processes compute each key once", async () => {
    const fixture = await makeFixture();
    const [a, b] = await Promise.all([
      runCli(["run", "--json"], { cwd: fixture.dir }),
      runCli(["run", "--json"], { cwd: fixture.dir }),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    for (const stage of ["fetch", "convert"]) {
      const statuses = [
        parseRun(a.stdout).stages[stage]?.status,
        parseRun(b.stdout).stages[stage]?.status,
      ];
      assert.equal(statuses.filter((s) => s === "ran").length, 1, `${stage}: ${statuses}`);
    }
  });
});
