// The cache key of each stage under the current config, as far as the store
// allows: a stage's key needs the content digests of its inputs, so it is
// known only once every upstream stage has an entry.
import { cacheKey } from "./cache-key.ts";
import type { Pipeline, StageConfig } from "./config.ts";
import type { Entry } from "./stage.ts";
import type { Store } from "./store.ts";

export interface StageKey {
  key?: string;
  entry?: Entry;
  /** The upstream stage without an entry, when the key cannot be known yet. */
  blockedBy?: string;
}

export function keyFor(stage: StageConfig, inputs: Record<string, Entry>): string {
  const digests = Object.fromEntries(
    Object.entries(inputs).map(([role, e]) => [role, e.manifest.digest]),
  );
  return cacheKey(stage.worker, stage.params, digests);
}

/** Entries by role, from the entries of the upstream stages. */
export function inputsOf(
  stage: StageConfig,
  entries: ReadonlyMap<string, Entry>,
): Record<string, Entry> | string {
  const inputs: Record<string, Entry> = {};
  for (const [role, upstream] of Object.entries(stage.inputs)) {
    const entry = entries.get(upstream);
    if (!entry) return upstream;
    inputs[role] = entry;
  }
  for (const need of stage.needs) if (!entries.has(need)) return need;
  return inputs;
}

export async function currentKeys(
  pipeline: Pipeline,
  store: Store,
): Promise<Map<string, StageKey>> {
  const keys = new Map<string, StageKey>();
  const entries = new Map<string, Entry>();
  for (const name of pipeline.order) {
    const stage = pipeline.stages.get(name) as StageConfig;
    const inputs = inputsOf(stage, entries);
    if (typeof inputs === "string") {
      keys.set(name, { blockedBy: keys.get(inputs)?.blockedBy ?? inputs });
      continue;
    }
    const key = keyFor(stage, inputs);
    const entry = await store.lookup(name, key);
    if (entry) entries.set(name, entry);
    keys.set(name, { key, entry });
  }
  return keys;
}
