// What every command needs: the validated pipeline, its store and a logger.
import { loadPipeline, type Pipeline } from "../engine/config.ts";
import { type Logger, makeLogger } from "../engine/log.ts";
import { Store } from "../engine/store.ts";
import { registry } from "../stages/index.ts";

export interface CommandContext {
  pipeline: Pipeline;
  store: Store;
  log: Logger;
}

export function loadContext(values: {
  config: string;
  store?: string;
  set: string[];
  verbose: boolean;
}): CommandContext {
  const pipeline = loadPipeline(values.config, { registry, set: values.set, store: values.store });
  const log = makeLogger({ level: values.verbose ? "debug" : undefined });
  return { pipeline, store: new Store(pipeline.store), log };
}
