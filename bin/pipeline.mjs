#!/usr/bin/env node
// Checks the Node version before anything else loads: the native TensorFlow
// binding (tfjs-node 4.22) breaks on Node 23 and later.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const major = Number(process.versions.node.split(".")[0]);
if (major !== 20 && major !== 22) {
  process.stderr.write(
    `error: Mrs.Robot needs Node 20 or 22 (its TensorFlow binding breaks on newer releases), found ${process.version}\n`,
  );
  process.exit(2);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bundle = path.join(root, "dist/pipeline.js");
const SOURCES = ["cli", "engine", "stages", "workers", "data", "model", "plot", "publish"];

if (bundleIsFresh()) {
  await import(bundle);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../cli/main.ts");
}

function bundleIsFresh() {
  let built;
  try {
    built = fs.statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  const newer = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return newer(full);
      return entry.name.endsWith(".ts") && fs.statSync(full).mtimeMs > built;
    });
  return !SOURCES.some((dir) => fs.existsSync(path.join(root, dir)) && newer(path.join(root, dir)));
}
