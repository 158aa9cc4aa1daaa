import fs from "node:fs/promises";
import path from "node:path";
import { readJson } from "../engine/atomic.ts";
import type { Manifest } from "../engine/stage.ts";
import { hashTree, MANIFEST } from "../engine/store.ts";
import { COMMON_HELP, COMMON_OPTIONS, parse } from "./args.ts";
import { loadContext } from "./context.ts";

export const VERIFY_HELP = `Usage: pipeline verify [options]

Re-hashes every entry in the store against its manifest and reports entries
whose files were changed, removed or added since they were written.

      --delete          remove the entries that no longer match
${COMMON_HELP}

Exit status: 0 all entries match, 1 some do not.`;

export async function verifyCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    "verify",
    argv,
    { ...COMMON_OPTIONS, delete: { type: "boolean", default: false } },
    false,
  );
  if (values.help) {
    process.stdout.write(`${VERIFY_HELP}\n`);
    return 0;
  }
  const { store, log } = loadContext(values);
  const results: Array<{ stage: string; key: string; ok: boolean; problems: string[] }> = [];
  for (const { stage, key, dir } of await store.listEntries()) {
    const problems = await checkEntry(dir);
    results.push({ stage, key, ok: problems.length === 0, problems });
    if (problems.length === 0) log.info(`ok       ${stage}/${key.slice(0, 12)}`);
    else {
      log.error(`MISMATCH ${stage}/${key.slice(0, 12)} (${dir})`);
      for (const problem of problems) log.error(`  ${problem}`);
      if (values.delete) {
        await fs.rm(dir, { recursive: true, force: true });
        log.info(`  deleted; the next run recomputes it`);
      }
    }
  }
  const bad = results.filter((r) => !r.ok).length;
  if (values.json)
    process.stdout.write(
      `${JSON.stringify({ entries: results.length, mismatched: bad, results })}\n`,
    );
  log.info(`${results.length} entries checked, ${bad} mismatched`);
  return bad === 0 ? 0 : 1;
}

async function checkEntry(dir: string): Promise<string[]> {
  const manifest = await readJson<Manifest>(path.join(dir, MANIFEST));
  if (!manifest) return [`${MANIFEST} is missing or unreadable`];
  const problems: string[] = [];
  const found = new Map((await hashTree(dir)).map((f) => [f.path, f]));
  for (const file of manifest.files) {
    const actual = found.get(file.path);
    if (!actual) problems.push(`${file.path}: missing`);
    else if (actual.sha256 !== file.sha256) {
      problems.push(`${file.path}: expected sha256 ${file.sha256}, found ${actual.sha256}`);
    }
    found.delete(file.path);
  }
  for (const extra of found.keys()) problems.push(`${extra}: not in the manifest`);
  return problems;
}
