// Human logs go to stderr, so stdout stays free for --json.
export type Level = "debug" | "info" | "warn" | "error";

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger whose lines carry one more scope, e.g. the stage name. */
  scope(name: string): Logger;
}

export interface LoggerOptions {
  level?: Level;
  write?: (line: string) => void;
}

export function makeLogger(options: LoggerOptions = {}, scopes: string[] = []): Logger {
  const threshold = ORDER[options.level ?? levelFromEnv()];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const prefix = scopes.length > 0 ? `[${scopes.join(" ")}] ` : "";
  const emit = (level: Level, message: string) => {
    if (ORDER[level] < threshold) return;
    const tag = level === "info" ? "" : `${level}: `;
    write(`${prefix}${tag}${message}`);
  };
  return {
    debug: (m) => emit("debug", m),
    info: (m) => emit("info", m),
    warn: (m) => emit("warn", m),
    error: (m) => emit("error", m),
    scope: (name) => makeLogger(options, [...scopes, name]),
  };
}

function levelFromEnv(): Level {
  const level = process.env.PIPELINE_LOG_LEVEL;
  return level === "debug" || level === "warn" || level === "error" ? level : "info";
}

/** Hides the credentials of a URL: redis://user:secret@host, https://TOKEN@host. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    else if (parsed.username) parsed.username = "***";
    else return url;
    return parsed.toString();
  } catch {
    return url;
  }
}
