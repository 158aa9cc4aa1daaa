// A bar redrawn in place on a terminal; on a pipe or a file, a plain line at
// most every few seconds and one at the end.
export interface Progress {
  tick(amount?: number, status?: string): void;
  done(status?: string): void;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  interactive?: boolean;
  plainEveryMs?: number;
}

const WIDTH = 28;

export function makeProgress(
  label: string,
  total: number,
  unit = "",
  options: ProgressOptions = {},
): Progress {
  const stream = options.stream ?? process.stderr;
  const interactive = options.interactive ?? Boolean(stream.isTTY);
  const plainEveryMs = options.plainEveryMs ?? 5000;
  const started = Date.now();
  let current = 0;
  let lastPlain = started;
  let lastDraw = 0;

  const describe = (status?: string) => {
    const amount =
      total > 0 ? `${format(current)}/${format(total)}${unit}` : `${format(current)}${unit}`;
    return status ? `${amount} ${status}` : amount;
  };

  const draw = (status?: string) => {
    const fraction = total > 0 ? Math.min(1, current / total) : 0;
    const filled = Math.round(fraction * WIDTH);
    const bar = `${"█".repeat(filled)}${"░".repeat(WIDTH - filled)}`;
    stream.write(`\r\x1b[2K${label} ${bar} ${describe(status)}`);
  };

  return {
    tick(amount = 1, status) {
      current += amount;
      const now = Date.now();
      if (interactive) {
        if (now - lastDraw > 100) {
          lastDraw = now;
          draw(status);
        }
      } else if (now - lastPlain >= plainEveryMs) {
        lastPlain = now;
        stream.write(`${label} ${describe(status)}\n`);
      }
    },
    done(status) {
      if (interactive) {
        draw(status);
        stream.write("\n");
      }
    },
  };
}

function format(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return String(Math.round(n));
}
