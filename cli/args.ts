// Command-line parsing shared by the commands: node's parseArgs, with usage
// errors turned into ConfigError (exit 2).
import { type ParseArgsConfig, parseArgs } from "node:util";
import { ConfigError } from "../engine/errors.ts";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export const COMMON_OPTIONS = {
  config: { type: "string", short: "c", default: "pipeline.yaml" },
  store: { type: "string" },
  set: { type: "string", multiple: true, default: [] },
  json: { type: "boolean", default: false },
  verbose: { type: "boolean", short: "v", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies Options;

export const COMMON_HELP = `  -c, --config FILE     the pipeline file (default: pipeline.yaml)
      --store DIR       the artifact store (default: the file's store:, else artifacts/)
      --set STAGE.PARAM=VALUE
                        override a param, validated like the file (repeatable)
      --json            print one JSON object on stdout; logs stay on stderr
  -v, --verbose         debug logs (why each stage reruns, lock waits)
  -h, --help            this help`;

export function parse<O extends Options>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      `pipeline ${command}: ${message}\nRun 'pipeline ${command} --help' for usage.`,
    );
  }
}
