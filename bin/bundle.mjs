#!/usr/bin/env node
// Bundles the CLI into dist/ with esbuild (which tsx brings), so that a
// start-up, and with it a fully cached run, skips compiling TypeScript.
// bin/pipeline.mjs uses the bundle only while it is newer than every source.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

await build({
  entryPoints: [path.join(root, "cli/main.ts")],
  outdir: path.join(root, "dist"),
  entryNames: "pipeline",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
