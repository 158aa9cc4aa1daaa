// A small generated data set served from a directory, and a pipeline.yaml
// that fetches it through a file:// source: the real stages on tiny data.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import zlib from "node:zlib";
import { cyclingLabels, idxImages, idxLabels } from "./idx.ts";

export interface DatasetSpec {
  name: string;
  sha256: string;
  gzipSha256: string;
}

export interface Fixture {
  dir: string;
  dataDir: string;
  config: string;
  files: Record<string, DatasetSpec>;
}

const NAMES = {
  trainImages: "train-images-idx3-ubyte.gz",
  trainLabels: "train-labels-idx1-ubyte.gz",
  testImages: "t10k-images-idx3-ubyte.gz",
  testLabels: "t10k-labels-idx1-ubyte.gz",
};

export async function makeDataset(
  dir: string,
  train = 120,
  test = 40,
): Promise<Record<string, DatasetSpec>> {
  await fs.mkdir(dir, { recursive: true });
  const contents: Record<keyof typeof NAMES, Buffer> = {
    trainImages: idxImages(train),
    trainLabels: idxLabels(cyclingLabels(train)),
    testImages: idxImages(test, { pixel: (i, r, c) => (i * 13 + r * 7 + c * 3) & 0xff }),
    testLabels: idxLabels(cyclingLabels(test)),
  };
  const files: Record<string, DatasetSpec> = {};
  for (const [role, name] of Object.entries(NAMES) as Array<[keyof typeof NAMES, string]>) {
    const gz = zlib.gzipSync(contents[role]);
    await fs.writeFile(path.join(dir, name), gz);
    files[role] = { name, sha256: sha256(contents[role]), gzipSha256: sha256(gz) };
  }
  return files;
}

/** A temp dir with a generated data set and a pipeline.yaml of fetch + convert, plus `extra` YAML. */
export async function makeFixture(extra = ""): Promise<Fixture> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "mrs-robot-"));
  const dataDir = path.join(dir, "data");
  const files = await makeDataset(dataDir);
  const config = path.join(dir, "pipeline.yaml");
  await fs.writeFile(config, pipelineYaml(pathToFileURL(dataDir).href, files) + extra);
  return { dir, dataDir, config, files };
}

export function pipelineYaml(source: string, files: Record<string, DatasetSpec>): string {
  const fileLines = Object.entries(files)
    .map(
      ([role, f]) =>
        `        ${role}:\n          name: ${f.name}\n          sha256: ${f.sha256}\n          gzipSha256: ${f.gzipSha256}\n`,
    )
    .join("");
  return `store: artifacts
stages:
  fetch:
    uses: fetch
    params:
      sources: [${source}]
      retries: 0
      files:
${fileLines}  convert:
    uses: convert
    needs: [fetch]
`;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
