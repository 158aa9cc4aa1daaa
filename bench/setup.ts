// A store holding the real data set's fetch entry, shared by the benchmarks.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = path.join(REPO, "bin/pipeline.mjs");

export function realDataSource(): string {
  const candidates = [
    process.env.FASHION_MNIST_DIR,
    path.resolve(REPO, "../shared/data/fashion-mnist"),
    "/usr/share/datasets/fashion-mnist",
  ];
  const found = candidates.find(
    (dir) => dir && fs.existsSync(path.join(dir, "train-images-idx3-ubyte.gz")),
  );
  if (!found)
    throw new Error(
      `no Fashion-MNIST archives found in ${candidates.filter(Boolean).join(", ")}; set FASHION_MNIST_DIR`,
    );
  return pathToFileURL(found).href;
}

/** A temp project with the repository's pipeline.yaml, its data stages already run. */
export function preparedProject(targets = ["convert"], set: string[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mrs-robot-bench-"));
  fs.copyFileSync(path.join(REPO, "pipeline.yaml"), path.join(dir, "pipeline.yaml"));
  execFileSync(
    process.execPath,
    [
      BIN,
      "run",
      ...targets,
      "--set",
      `fetch.sources=${realDataSource()}`,
      ...set.flatMap((s) => ["--set", s]),
    ],
    {
      cwd: dir,
      stdio: "ignore",
    },
  );
  return dir;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
