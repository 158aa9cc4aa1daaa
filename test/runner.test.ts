import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { z } from "zod";
import { parsePipeline, type Registry } from "../engine/config.ts";
import { ConfigError } from "../engine/errors.ts";
import { makeLogger } from "../engine/log.ts";
import { type RunOptions, runPipeline } from "../engine/runner.ts";
import type { Stage } from "../engine/stage.ts";
import { Store } from "../engine/store.ts";
import { embeddedExecutor } from "../workers/embedded.ts";

// A pipeline of tiny workers: text → upper → shout, and text → count.
const calls: string[] = [];

const text: Stage<{ words: string }> = {
  worker: "text",
  version: 1,
  description: "writes its words",
  params: z.object({ words: z.string().default("hello") }),
  inputs: {},
  usesTensorflow: false,
  async run({ params, outDir, stage }) {
    calls.push(stage);
    await fs.writeFile(path.join(outDir, "words.txt"), params.words);
  },
};

const transform = (
  worker: string,
  fn: (s: string) => string,
  input = "text",
): Stage<{ fail: boolean }> => ({
  worker,
  version: 1,
  description: worker,
  params: z.object({ fail: z.boolean().default(false) }),
  inputs: { source: input },
  usesTensorflow: false,
  async run({ params, inputs, outDir, stage }) {
    calls.push(stage);
    if (params.fail) throw new Error("asked to fail");
    const source = inputs.source as NonNullable<(typeof inputs)["source"]>;
    const words = await fs.readFile(path.join(source.dir, "words.txt"), "utf8");
    await fs.writeFile(path.join(outDir, "words.txt"), fn(words));
  },
});

const registry: Registry = {
  text,
  upper: transform("upper", (s) => s.toUpperCase()),
  shout: transform("shout", (s) => `${s}!`, "upper"),
  count: transform("count", (s) => String(s.length)),
};

const YAML_TEXT = `
stages:
  text:
    uses: text
  upper:
    uses: upper
    needs: [text]
  shout:
    uses: shout
    needs: [upper]
  count:
    uses: count
    needs: [text]
`;

async function setup() {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "runner-"));
  const store = new Store(path.join(root, "artifacts"));
  const run = async (options: Partial<RunOptions> = {}, set: string[] = []) => {
    calls.length = 0;
    const pipeline = parsePipeline(YAML_TEXT, "pipeline.yaml", {
      registry,
      set,
      store: store.root,
    });
    const record = await runPipeline(pipeline, store, {
      executor: embeddedExecutor(store),
      log: makeLogger({ write: () => {} }),
      signal: new AbortController().signal,
      ...options,
    });
    const statuses = Object.fromEntries(
      Object.entries(record.stages).map(([n, s]) => [n, s.status]),
    );
    return { record, statuses, calls: [...calls] };
  };
  return { store, run };
}

describe("the embedded runner", () => {
  it("runs every stage once, then nothing when nothing changed", async () => {
    const { run } = await setup();
    const first = await run();
    assert.deepEqual(first.statuses, { text: "ran", upper: "ran", shout: "ran", count: "ran" });
    const second = await run();
    assert.deepEqual(second.statuses, {
      text: "cached",
      upper: "cached",
      shout: "cached",
      count: "cached",
    });
    assert.deepEqual(second.calls, []);
    assert.equal(second.record.status, "succeeded");
  });

  it("reruns exactly the changed stage and its dependants, saying why", async () => {
    const { run } = await setup();
    await run();
    const changed = await run({}, ["upper.fail=false", "text.words=bye"]);
    assert.deepEqual(changed.calls.sort(), ["count", "shout", "text", "upper"]);
    assert.match(changed.record.stages.text?.reason ?? "", /params changed: words "hello" → "bye"/);
    assert.match(changed.record.stages.upper?.reason ?? "", /input changed: source/);
  });

  it("keeps a dependant cached when its input's content did not change", async () => {
    const { run } = await setup();
    await run();
    const forced = await run({ targets: ["upper"], force: true });
    assert.deepEqual(forced.statuses, { text: "cached", upper: "ran" });
    assert.equal(forced.record.stages.upper?.reason, "forced");
  });

  it("--downstream also runs what depends on the named stage", async () => {
    const { run } = await setup();
    await run();
    const result = await run({ targets: ["upper"], force: true, downstream: true });
    assert.deepEqual(result.statuses, { text: "cached", upper: "ran", shout: "ran" });
  });

  it("runs a named stage with what it needs, not its siblings", async () => {
    const { run } = await setup();
    const result = await run({ targets: ["shout"] });
    assert.deepEqual(result.statuses, { text: "ran", upper: "ran", shout: "ran" });
  });

  it("--only refuses to start when an input is missing, naming it", async () => {
    const { run, store } = await setup();
    await assert.rejects(
      run({ targets: ["shout"], only: true }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /shout needs upper: its input text is not in the store either/.test(error.message),
    );
    await assert.rejects(fs.access(path.join(store.root, "runs")), "nothing may be written");
    await run({ targets: ["upper"] });
    const only = await run({ targets: ["shout"], only: true });
    assert.deepEqual(only.statuses, { shout: "ran" });
  });

  it("marks a failed stage and skips what depends on it, keeping the rest", async () => {
    const { run, store } = await setup();
    const result = await run({}, ["upper.fail=true"]);
    assert.equal(result.record.status, "failed");
    assert.deepEqual(result.statuses, {
      text: "ran",
      upper: "failed",
      shout: "skipped",
      count: "ran",
    });
    assert.match(result.record.stages.upper?.error ?? "", /stage upper failed: asked to fail/);
    const entries = (await store.listEntries()).map((e) => e.stage).sort();
    assert.deepEqual(entries, ["count", "text"]);
    assert.deepEqual(
      await fs.readdir(path.join(store.root, "tmp")),
      [],
      "no half-written entry remains",
    );
  });

  it("computes a key once when two runs need it at the same time", async () => {
    const { store } = await setup();
    const pipeline = parsePipeline(YAML_TEXT, "pipeline.yaml", { registry, store: store.root });
    calls.length = 0;
    const options = () => ({
      executor: embeddedExecutor(store),
      log: makeLogger({ write: () => {} }),
      signal: new AbortController().signal,
    });
    const [a, b] = await Promise.all([
      runPipeline(pipeline, store, options()),
      runPipeline(pipeline, store, options()),
    ]);
    assert.deepEqual([...calls].sort(), ["count", "shout", "text", "upper"]);
    for (const stage of ["text", "upper", "shout", "count"]) {
      const statuses = [a.stages[stage]?.status, b.stages[stage]?.status].sort();
      assert.deepEqual(statuses, ["cached", "ran"], stage);
    }
  });

  it("writes a manifest with files, sizes, digests, params and timing", async () => {
    const { run, store } = await setup();
    const { record } = await run({ targets: ["upper"] });
    const entry = await store.lookup("upper", record.stages.upper?.key as string);
    assert.ok(entry, "the upper stage has an entry in the store");
    const { manifest } = entry;
    assert.deepEqual(
      manifest.files.map((f) => [f.path, f.size]),
      [["words.txt", 5]],
    );
    assert.match(manifest.files[0]?.sha256 ?? "", /^[0-9a-f]{64}$/);
    assert.deepEqual(manifest.params, { fail: false });
    assert.equal(manifest.inputs.source?.stage, "text");
    assert.equal(manifest.backend, "none");
    assert.ok(
      manifest.durationMs >= 0 && manifest.startedAt <= manifest.finishedAt,
      "manifest.durationMs >= 0 && manifest.startedAt <= manifest.finishedAt",
    );
  });
});
