// Reads pipeline.yaml, applies --set overrides and validates everything
// before anything runs: structure, workers, needs, cycles and params.
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { z } from "zod";
import { ConfigError } from "./errors.ts";
import { topologicalOrder } from "./graph.ts";
import { formatIssues, show } from "./issues.ts";
import type { AnyStage } from "./stage.ts";

export type Registry = Readonly<Record<string, AnyStage>>;

export interface StageConfig {
  name: string;
  uses: string;
  needs: string[];
  params: unknown;
  worker: AnyStage;
  /** Input role → the upstream stage that fills it. */
  inputs: Record<string, string>;
}

export interface Pipeline {
  file: string;
  store: string;
  stages: Map<string, StageConfig>;
  /** Stage names, every stage after the stages it needs. */
  order: string[];
  raw: z.infer<typeof PipelineSchema>;
}

const STAGE_NAME = /^[a-z][a-z0-9-]*$/;

const StageSchema = z.strictObject({
  uses: z.string({ error: "expected the name of a worker" }),
  description: z.string().optional(),
  needs: z.array(z.string()).default([]),
  params: z.record(z.string(), z.unknown()).default({}),
});

const PipelineSchema = z.strictObject({
  store: z.string().optional(),
  stages: z.record(
    z
      .string()
      .regex(STAGE_NAME, { error: "expected a stage name of lowercase letters, digits and -" }),
    StageSchema,
  ),
});

export interface LoadOptions {
  registry: Registry;
  /** `stage.param=value` assignments from the command line. */
  set?: string[];
  /** Overrides the store directory (relative to the working directory). */
  store?: string;
}

export function loadPipeline(file: string, options: LoadOptions): Pipeline {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(error);
    throw new ConfigError(`${file}: cannot read the pipeline (${reason})`);
  }
  return parsePipeline(text, file, options);
}

export function parsePipeline(text: string, file: string, options: LoadOptions): Pipeline {
  const lineCounter = new YAML.LineCounter();
  const document = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  if (document.errors.length > 0) {
    throw new ConfigError(
      `${file}: not valid YAML`,
      document.errors.map((e) => {
        const at = `line ${lineCounter.linePos(e.pos[0]).line}: `;
        if (e.code === "DUPLICATE_KEY") {
          const key = /^[^:\n]*/.exec(text.slice(e.pos[0]))?.[0].trim() ?? "";
          return `${at}duplicate name ${show(key)}`;
        }
        return `${at}${e.message.split("\n")[0]}`;
      }),
    );
  }
  const parsed = PipelineSchema.safeParse(document.toJS() ?? {}, { reportInput: true });
  if (!parsed.success)
    throw new ConfigError(`${file}: invalid pipeline`, formatIssues(parsed.error));
  const raw = parsed.data;

  applyOverrides(raw, options.set ?? [], file);
  const stages = resolveStages(raw, options.registry, file);
  const order = topologicalOrder(
    new Map([...stages].map(([name, stage]) => [name, stage.needs])),
    (cycle) =>
      new ConfigError(`${file}: invalid pipeline`, [
        `stages.${cycle[0]}.needs: cycle ${cycle.join(" → ")}`,
      ]),
  );
  const baseDir = path.dirname(path.resolve(file));
  const store = options.store
    ? path.resolve(options.store)
    : path.resolve(baseDir, raw.store ?? "artifacts");
  return { file, store, stages, order, raw };
}

function applyOverrides(
  raw: z.infer<typeof PipelineSchema>,
  assignments: string[],
  file: string,
): void {
  for (const assignment of assignments) {
    const match = /^([^.=]+)\.([^=]+)=(.*)$/s.exec(assignment);
    if (!match) {
      throw new ConfigError(
        `--set ${assignment}: expected STAGE.PARAM=VALUE, e.g. --set train.epochs=20`,
      );
    }
    const [, stageName = "", paramPath = "", value = ""] = match;
    const stage = raw.stages[stageName];
    if (!stage) {
      throw new ConfigError(
        `--set ${assignment}: no stage "${stageName}" in ${file} (stages: ${Object.keys(raw.stages).join(", ")})`,
      );
    }
    const keys = paramPath.split(".");
    let target = stage.params as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) {
      const next = target[key];
      if (!next || typeof next !== "object") target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    target[keys.at(-1) as string] = parseScalar(value);
  }
}

/** `10` is a number, `true` a boolean, anything else stays a string. */
function parseScalar(value: string): unknown {
  if (value === "") return "";
  try {
    const parsed: unknown = YAML.parse(value);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? value : parsed;
  } catch {
    return value;
  }
}

function resolveStages(raw: z.infer<typeof PipelineSchema>, registry: Registry, file: string) {
  const issues: string[] = [];
  const stages = new Map<string, StageConfig>();
  const names = Object.keys(raw.stages);
  for (const [name, entry] of Object.entries(raw.stages)) {
    const at = `stages.${name}`;
    const worker = registry[entry.uses];
    if (!worker) {
      issues.push(
        `${at}.uses: unknown worker ${show(entry.uses)} (known: ${Object.keys(registry).join(", ")})`,
      );
      continue;
    }
    entry.needs.forEach((need, i) => {
      if (!raw.stages[need])
        issues.push(`${at}.needs[${i}]: no stage ${show(need)} (stages: ${names.join(", ")})`);
      else if (need === name) issues.push(`${at}.needs[${i}]: a stage cannot need itself`);
    });
    const duplicates = entry.needs.filter((need, i) => entry.needs.indexOf(need) !== i);
    if (duplicates.length > 0) issues.push(`${at}.needs: ${show(duplicates[0])} is listed twice`);

    const schema = worker.params instanceof z.ZodObject ? worker.params.strict() : worker.params;
    const params = schema.safeParse(entry.params, { reportInput: true });
    if (!params.success) issues.push(...formatIssues(params.error, ["stages", name, "params"]));

    const inputs: Record<string, string> = {};
    for (const [role, wanted] of Object.entries(worker.inputs)) {
      const providers = entry.needs.filter((need) => raw.stages[need]?.uses === wanted);
      if (providers.length === 1) inputs[role] = providers[0] as string;
      else if (providers.length === 0) {
        issues.push(
          `${at}.needs: the ${entry.uses} worker reads the output of a stage that uses ${show(wanted)}, ` +
            `found none among ${show(entry.needs)}`,
        );
      } else {
        issues.push(
          `${at}.needs: expected one stage that uses ${show(wanted)}, found ${show(providers)}`,
        );
      }
    }
    if (params.success) {
      stages.set(name, {
        name,
        uses: entry.uses,
        needs: entry.needs,
        params: params.data,
        worker,
        inputs,
      });
    }
  }
  if (issues.length > 0) throw new ConfigError(`${file}: invalid pipeline`, issues);
  return stages;
}
