// IDX → .npy conversion throughput on the real data set (input MB per second).
import fs from "node:fs";
import path from "node:path";
import { makeLogger } from "../engine/log.ts";
import { makeProgress } from "../engine/progress.ts";
import { Store } from "../engine/store.ts";
import { type ConvertParams, convert } from "../stages/convert.ts";
import { median, preparedProject } from "./setup.ts";

export async function benchConvert(repeats = 5): Promise<Record<string, string>> {
  const dir = preparedProject(["fetch"]);
  const store = new Store(path.join(dir, "artifacts"));
  const [fetched] = await store.listEntries();
  if (!fetched) throw new Error("fetch left no entry");
  const entry = await store.lookup(fetched.stage, fetched.key);
  if (!entry) throw new Error("fetch entry has no manifest");
  const bytes = entry.manifest.files.reduce((sum, f) => sum + f.size, 0);
  const seconds: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const outDir = fs.mkdtempSync(path.join(dir, "out-"));
    const started = process.hrtime.bigint();
    await convert.run({
      stage: "convert",
      runId: "bench",
      key: "bench",
      params: convert.params.parse({}) as ConvertParams,
      inputs: { raw: entry },
      outDir,
      workDir: outDir,
      log: makeLogger({ write: () => {} }),
      signal: new AbortController().signal,
      progress: (label, total) => makeProgress(label, total, "", { interactive: false }),
      describe: () => {},
    });
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
    fs.rmSync(outDir, { recursive: true });
  }
  const s = median(seconds);
  return {
    "IDX → .npy conversion (70,000 images, 54.9 MB)": `${(bytes / 1e6 / s).toFixed(0)} MB/s (median ${(s * 1000).toFixed(0)} ms of ${repeats})`,
  };
}
