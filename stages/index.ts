// The workers pipeline.yaml can name in `uses`. Loading this module loads
// only params schemas: workers import their heavy code inside run().
import type { Registry } from "../engine/config.ts";
import { convert } from "./convert.ts";
import { fetch } from "./fetch.ts";

export const registry: Registry = {
  [fetch.worker]: fetch,
  [convert.worker]: convert,
};
