// The workers pipeline.yaml can name in `uses`. Loading this module loads
// only params schemas: workers import their heavy code inside run().
import type { Registry } from "../engine/config.ts";
import { convert } from "./convert.ts";
import { evaluateStage } from "./evaluate.ts";
import { fetch } from "./fetch.ts";
import { publishStage } from "./publish.ts";
import { renderStage } from "./render.ts";
import { train } from "./train.ts";

export const registry: Registry = Object.fromEntries(
  [fetch, convert, train, evaluateStage, renderStage, publishStage].map((stage) => [
    stage.worker,
    stage,
  ]),
);
