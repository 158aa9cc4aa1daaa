#!/usr/bin/env node
// Checks the Node version before anything else loads: the native TensorFlow
// binding (tfjs-node 4.22) breaks on Node 23 and later.
const major = Number(process.versions.node.split(".")[0]);
if (major !== 20 && major !== 22) {
  process.stderr.write(
    `error: Mrs.Robot needs Node 20 or 22 (its TensorFlow binding breaks on newer releases), found ${process.version}\n`,
  );
  process.exit(2);
}
const { register } = await import("tsx/esm/api");
register();
await import("../cli/main.ts");
