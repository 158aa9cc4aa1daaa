// Errors that end a command, each with the exit code it implies.

/** Bad command line or pipeline.yaml: exit 2, before anything runs. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(issues.length > 0 ? `${message}\n${issues.map((i) => `  ${i}`).join("\n")}` : message);
    this.name = "ConfigError";
  }
}

/** A stage's worker threw: the run fails with exit 1. */
export class StageFailedError extends Error {
  readonly exitCode = 1;
  constructor(
    readonly stage: string,
    cause: unknown,
  ) {
    super(`stage ${stage} failed: ${errorMessage(cause)}`, { cause });
    this.name = "StageFailedError";
  }
}

/** Ctrl-C or SIGTERM stopped the run. */
export class InterruptedError extends Error {
  readonly exitCode = 130;
  constructor(signal = "SIGINT") {
    super(`interrupted by ${signal}`);
    this.name = "InterruptedError";
  }
}

/** The InterruptedError an aborted signal carries, or one made for it. */
export function interruption(signal: AbortSignal): InterruptedError {
  return signal.reason instanceof InterruptedError ? signal.reason : new InterruptedError();
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function exitCodeOf(error: unknown): number {
  if (
    error &&
    typeof error === "object" &&
    "exitCode" in error &&
    typeof error.exitCode === "number"
  ) {
    return error.exitCode;
  }
  return 1;
}
