// What went into a stage's last cache key, kept so that the next run can say
// why it reruns: which params changed, which input, or the worker's version.
import path from "node:path";
import { readJson, writeFileAtomic } from "./atomic.ts";
import { canonicalJson } from "./canonical.ts";
import { show } from "./issues.ts";

export interface KeyState {
  key: string;
  worker: string;
  version: number;
  params: unknown;
  inputs: Record<string, string>;
}

export function keyStateFile(store: string, stage: string): string {
  return path.join(store, "state", `${stage}.json`);
}

export async function readKeyState(store: string, stage: string): Promise<KeyState | undefined> {
  return readJson<KeyState>(keyStateFile(store, stage));
}

export async function writeKeyState(store: string, stage: string, state: KeyState): Promise<void> {
  await writeFileAtomic(keyStateFile(store, stage), `${JSON.stringify(state, null, 2)}\n`);
}

export function whyRerun(previous: KeyState | undefined, next: KeyState): string {
  if (!previous) return "no cached result for this stage yet";
  if (previous.key === next.key) return "its cached entry is missing from the store";
  const reasons: string[] = [];
  if (previous.worker !== next.worker) reasons.push(`worker ${previous.worker} → ${next.worker}`);
  else if (previous.version !== next.version)
    reasons.push(`worker version ${previous.version} → ${next.version}`);
  const changed = diffLeaves(previous.params, next.params);
  if (changed.length > 0) reasons.push(`params changed: ${changed.join(", ")}`);
  const roles = new Set([...Object.keys(previous.inputs), ...Object.keys(next.inputs)]);
  const inputs = [...roles].filter((role) => previous.inputs[role] !== next.inputs[role]);
  if (inputs.length > 0) reasons.push(`input changed: ${inputs.join(", ")}`);
  return reasons.length > 0 ? reasons.join("; ") : "cache key changed";
}

function diffLeaves(before: unknown, after: unknown, prefix = ""): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    !!v && typeof v === "object" && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffLeaves(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  if (canonicalJson(before) === canonicalJson(after)) return [];
  return [`${prefix || "params"} ${show(before)} → ${show(after)}`];
}
