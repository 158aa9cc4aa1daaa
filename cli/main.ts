import { ConfigError, errorMessage, exitCodeOf } from "../engine/errors.ts";
import { doctorCommand } from "./doctor.ts";
import { runCommand } from "./run.ts";
import { statusCommand } from "./status.ts";
import { verifyCommand } from "./verify.ts";

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  run: runCommand,
  status: statusCommand,
  verify: verifyCommand,
  doctor: doctorCommand,
};

export const HELP = `Usage: pipeline COMMAND [options]

Trains a variational autoencoder on Fashion-MNIST through the stages declared
in pipeline.yaml, caching each stage's output by its content.

Commands:
  run [STAGE...]   run stages (and what they need), skipping cached ones
  status           which stages are cached under the current config
  verify           re-hash the store and report entries that changed
  doctor           which TensorFlow backend training uses, and from where

Run 'pipeline COMMAND --help' for a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(`${HELP}\n`);
    return command ? 0 : 2;
  }
  const handler = COMMANDS[command];
  try {
    if (!handler)
      throw new ConfigError(
        `unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(", ")})`,
      );
    return await handler(rest);
  } catch (error) {
    process.stderr.write(`error: ${errorMessage(error)}\n`);
    if (
      exitCodeOf(error) === 1 &&
      process.env.PIPELINE_LOG_LEVEL === "debug" &&
      error instanceof Error
    ) {
      process.stderr.write(`${error.stack}\n`);
    }
    return exitCodeOf(error);
  }
}

process.exitCode = await main(process.argv.slice(2));
