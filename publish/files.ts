// File helpers for publishing: byte copies of upstream artifacts and sorted
// listings, so two publishes of the same inputs write the same tree.
import fs from "node:fs/promises";
import path from "node:path";
import { compareText } from "./html.ts";

/** Relative paths ("/"-separated) of the regular files under `dir`, sorted; [] if absent. */
export async function listFiles(dir: string): Promise<string[]> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => compareText(a.name, b.name))) {
    if (entry.isDirectory()) {
      for (const inner of await listFiles(path.join(dir, entry.name))) {
        out.push(`${entry.name}/${inner}`);
      }
    } else if (entry.isFile()) {
      out.push(entry.name);
    }
  }
  return out;
}

/** Copies every file under `from` to the same place under `to`; returns their paths. */
export async function copyTree(from: string, to: string): Promise<string[]> {
  const files = await listFiles(from);
  for (const file of files) {
    const target = path.join(to, ...file.split("/"));
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.copyFile(path.join(from, ...file.split("/")), target);
  }
  return files;
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Copies one file; false (and nothing written) when the source is absent. */
export async function copyIfPresent(from: string, to: string): Promise<boolean> {
  if (!(await exists(from))) return false;
  await fs.mkdir(path.dirname(to), { recursive: true });
  await fs.copyFile(from, to);
  return true;
}
