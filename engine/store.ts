// The artifact store: finished stage outputs (entries) under
// entries/<stage>/<key>/, each described by a manifest.json that is written
// last, inside a temporary directory that is then renamed into place.
//
//   <store>/entries/<stage>/<key>/   artifacts + manifest.json
//   <store>/work/<stage>/<key>/      a worker's scratch area (checkpoints)
//   <store>/locks/<stage>/<key>.lock
//   <store>/tmp/                     entries being written
//   <store>/runs/<run>.json          run records
//   <store>/published/               published runs
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { canonicalJson, sha256, sha256File } from "./canonical.ts";
import type { Entry, Manifest, ManifestFile } from "./stage.ts";

export const MANIFEST = "manifest.json";

export class Store {
  constructor(readonly root: string) {}

  entryDir(stage: string, key: string): string {
    return path.join(this.root, "entries", stage, key);
  }

  workDir(stage: string, key: string): string {
    return path.join(this.root, "work", stage, key);
  }

  lockFile(stage: string, key: string): string {
    return path.join(this.root, "locks", stage, `${key}.lock`);
  }

  /** The finished entry for this key, or undefined; never a half-written one. */
  async lookup(stage: string, key: string): Promise<Entry | undefined> {
    const dir = this.entryDir(stage, key);
    try {
      const manifest = JSON.parse(await fs.readFile(path.join(dir, MANIFEST), "utf8")) as Manifest;
      return { stage, key, dir, manifest };
    } catch {
      return undefined;
    }
  }

  async makeTempDir(stage: string, key: string): Promise<string> {
    const dir = path.join(
      this.root,
      "tmp",
      `${stage}-${key.slice(0, 12)}-${process.pid}-${randomBytes(4).toString("hex")}`,
    );
    await fs.mkdir(dir, { recursive: true });
    return dir;
  }

  /** Hashes what the worker wrote, writes the manifest last and renames the directory into place. */
  async commit(tempDir: string, manifest: Omit<Manifest, "files" | "digest">): Promise<Entry> {
    const files = await hashTree(tempDir);
    const complete: Manifest = { ...manifest, digest: digestOf(files), files };
    await fs.writeFile(path.join(tempDir, MANIFEST), `${JSON.stringify(complete, null, 2)}\n`);
    const dir = this.entryDir(manifest.stage, manifest.key);
    await fs.mkdir(path.dirname(dir), { recursive: true });
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(tempDir, dir);
    return { stage: manifest.stage, key: manifest.key, dir, manifest: complete };
  }

  async listEntries(): Promise<Array<{ stage: string; key: string; dir: string }>> {
    const found: Array<{ stage: string; key: string; dir: string }> = [];
    for (const stage of await listDir(path.join(this.root, "entries"))) {
      for (const key of await listDir(path.join(this.root, "entries", stage))) {
        found.push({ stage, key, dir: this.entryDir(stage, key) });
      }
    }
    return found;
  }

  /** Removes temporary directories left by processes that died mid-write. */
  async sweepTemp(isAlive: (pid: number) => boolean): Promise<void> {
    const tmp = path.join(this.root, "tmp");
    for (const name of await listDir(tmp)) {
      const pid = Number(/-(\d+)-[0-9a-f]{8}$/.exec(name)?.[1]);
      if (Number.isInteger(pid) && !isAlive(pid))
        await fs.rm(path.join(tmp, name), { recursive: true, force: true });
    }
  }
}

export async function hashTree(root: string): Promise<ManifestFile[]> {
  const files: ManifestFile[] = [];
  const walk = async (dir: string) => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        const rel = path.relative(root, full).split(path.sep).join("/");
        if (rel === MANIFEST) continue;
        const stat = await fs.stat(full);
        files.push({ path: rel, size: stat.size, sha256: await sha256File(full) });
      }
    }
  };
  await walk(root);
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

export function digestOf(files: ManifestFile[]): string {
  return sha256(canonicalJson(files.map((f) => [f.path, f.sha256])));
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).sort();
  } catch {
    return [];
  }
}
