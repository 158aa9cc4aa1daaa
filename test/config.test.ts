import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { parsePipeline } from "../engine/config.ts";
import { ConfigError } from "../engine/errors.ts";
import { registry } from "../stages/index.ts";
import { runCli } from "./helpers/cli.ts";
import { makeFixture } from "./helpers/fixture-pipeline.ts";

function problems(yaml: string, set: string[] = []): string {
  try {
    parsePipeline(yaml, "pipeline.yaml", { registry, set });
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    assert.equal(error.exitCode, 2);
    return error.message;
  }
  assert.fail("expected the pipeline to be rejected");
}

const TWO_STAGES = `
stages:
  fetch:
    uses: fetch
  convert:
    uses: convert
    needs: [fetch]
`;

describe("pipeline.yaml validation", () => {
  it("accepts the project's own pipeline.yaml", async () => {
    const text = await fs.readFile(new URL("../pipeline.yaml", import.meta.url), "utf8");
    const pipeline = parsePipeline(text, "pipeline.yaml", { registry });
    assert.deepEqual(pipeline.order.slice(0, 2), ["fetch", "convert"]);
  });

  it("rejects an unknown worker, naming the known ones", () => {
    const message = problems("stages:\n  fetch:\n    uses: download\n");
    assert.match(message, /stages\.fetch\.uses: unknown worker "download" \(known: fetch, convert/);
  });

  it("rejects an unknown need", () => {
    const message = problems("stages:\n  convert:\n    uses: convert\n    needs: [fetsh]\n");
    assert.match(message, /stages\.convert\.needs\[0\]: no stage "fetsh"/);
  });

  it("rejects a cycle, showing it", () => {
    const message = problems(`
stages:
  fetch:
    uses: fetch
    needs: [convert]
  convert:
    uses: convert
    needs: [fetch]
`);
    assert.match(message, /cycle (fetch → convert → fetch|convert → fetch → convert)/);
  });

  it("rejects duplicate stage names", () => {
    const message = problems("stages:\n  fetch:\n    uses: fetch\n  fetch:\n    uses: fetch\n");
    assert.match(message, /line 4: duplicate name "fetch"/);
  });

  it("rejects unknown params", () => {
    const message = problems(`${TWO_STAGES}    params:\n      hieght: 28\n`);
    assert.match(message, /stages\.convert\.params: unknown key "hieght"/);
  });

  it("rejects a param of the wrong type with what was expected and found", () => {
    const message = problems(`${TWO_STAGES}    params:\n      height: ten\n`);
    assert.match(
      message,
      /stages\.convert\.params\.height: expected a positive integer, got "ten"/,
    );
  });

  it("says a training param needs a positive integer, as in the README", async () => {
    const text = await fs.readFile(new URL("../pipeline.yaml", import.meta.url), "utf8");
    assert.match(
      problems(text, ["train.epochs=ten", "train.learningRate=-1"]),
      /stages\.train\.params\.epochs: expected a positive integer, got "ten"\n.*stages\.train\.params\.learningRate: expected a positive number, got -1/,
    );
  });

  it("validates --set overrides like the file", () => {
    assert.match(
      problems(TWO_STAGES, ["convert.height=ten"]),
      /stages\.convert\.params\.height: expected a positive integer, got "ten"/,
    );
    assert.match(
      problems(TWO_STAGES, ["convert.height=0"]),
      /stages\.convert\.params\.height: expected a positive integer, got 0/,
    );
    assert.match(
      problems(TWO_STAGES, ["nope.x=1"]),
      /--set nope\.x=1: no stage "nope" in pipeline\.yaml \(stages: fetch, convert\)/,
    );
    assert.match(problems(TWO_STAGES, ["convert"]), /--set convert: expected STAGE\.PARAM=VALUE/);
    const pipeline = parsePipeline(TWO_STAGES, "pipeline.yaml", {
      registry,
      set: ["convert.height=32"],
    });
    assert.deepEqual(pipeline.stages.get("convert")?.params, {
      height: 32,
      width: 28,
      classes: 10,
    });
  });

  it("rejects a stage whose needs lack the input its worker reads", () => {
    const message = problems("stages:\n  fetch:\n    uses: fetch\n  convert:\n    uses: convert\n");
    assert.match(
      message,
      /stages\.convert\.needs: the convert worker reads the output of a stage that uses "fetch", found none among \[\]/,
    );
  });

  it("rejects unknown top-level and stage keys", () => {
    assert.match(problems("stage:\n  fetch:\n    uses: fetch\n"), /unknown key "stage"/);
    assert.match(
      problems("stages:\n  fetch:\n    uses: fetch\n    need: []\n"),
      /stages\.fetch: unknown key "need"/,
    );
  });

  it("reports every problem at once", () => {
    const message = problems(`
stages:
  fetch:
    uses: fetch
    params:
      retries: many
  convert:
    uses: convert
    needs: [fetch, ghost]
`);
    assert.match(message, /stages\.fetch\.params\.retries/);
    assert.match(message, /stages\.convert\.needs\[1\]: no stage "ghost"/);
  });
});

describe("configuration errors on the command line", () => {
  it("exit with code 2 and write nothing", async () => {
    const fixture = await makeFixture();
    const result = await runCli(["run", "--set", "convert.height=ten"], { cwd: fixture.dir });
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /stages\.convert\.params\.height: expected a positive integer, got "ten"/,
    );
    await assert.rejects(
      fs.access(path.join(fixture.dir, "artifacts")),
      "the store must not be created",
    );
  });

  it("reject an unknown option and an unknown stage with code 2", async () => {
    const fixture = await makeFixture();
    const option = await runCli(["run", "--frce"], { cwd: fixture.dir });
    assert.equal(option.code, 2);
    assert.match(option.stderr, /Unknown option '--frce'/);
    const stage = await runCli(["run", "trian"], { cwd: fixture.dir });
    assert.equal(stage.code, 2);
    assert.match(stage.stderr, /unknown stage "trian" \(stages: fetch, convert\)/);
  });

  it("name the missing pipeline file", async () => {
    const fixture = await makeFixture();
    const result = await runCli(["run", "--config", "nope.yaml"], { cwd: fixture.dir });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /nope\.yaml: cannot read the pipeline \(no such file\)/);
  });

  it("answer --help on every command", async () => {
    const fixture = await makeFixture();
    for (const command of ["run", "status", "verify", "doctor"]) {
      const result = await runCli([command, "--help"], { cwd: fixture.dir });
      assert.equal(result.code, 0, command);
      assert.match(result.stdout, new RegExp(`Usage: pipeline ${command}`));
    }
  });
});
