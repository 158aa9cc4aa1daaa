import assert from "node:assert/strict";
import { it } from "node:test";
import { REPO, runCli } from "./helpers/cli.ts";

it("trains on the native TensorFlow backend, and doctor says where it came from", async () => {
  const result = await runCli(["doctor", "--json"], { cwd: REPO });
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.backend, "tensorflow", `pure-JS fallback in use: ${report.fallbackReason}`);
  assert.equal(report.native, true);
  assert.match(report.library, /libtensorflow[\w.]*\.so/);
});
