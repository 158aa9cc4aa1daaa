// Wall time of `pipeline run` when every stage is cached: process start to exit.
import { execFileSync } from "node:child_process";
import { BIN, median, preparedProject, realDataSource } from "./setup.ts";

export async function benchCachedRun(repeats = 10): Promise<Record<string, string>> {
  // One epoch is enough: a cached run reads manifests, whatever they describe.
  const quick = ["train.epochs=1"];
  const dir = preparedProject([], quick);
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = process.hrtime.bigint();
    const args = [
      "run",
      "--set",
      `fetch.sources=${realDataSource()}`,
      ...quick.flatMap((s) => ["--set", s]),
    ];
    execFileSync(process.execPath, [BIN, ...args], {
      cwd: dir,
      stdio: "ignore",
    });
    ms.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return {
    "fully cached `pipeline run` (wall time)": `${median(ms).toFixed(0)} ms median, ${Math.max(...ms).toFixed(0)} ms max of ${repeats}`,
  };
}
