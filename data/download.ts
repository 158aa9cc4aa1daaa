// Reads a source URL (http://, https:// or file://) as a byte stream. HTTP
// follows redirects, gives up on a server that stays silent for timeoutMs and
// reports a body shorter than its Content-Length; download() repeats an
// attempt after transient failures with exponential backoff. Every failure
// that is the source's fault is a SourceError, so a caller can move on to the
// next source; anything else (an abort, a full disk) is left as it is.
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { type Readable, Transform, type TransformCallback } from "node:stream";
import { fileURLToPath } from "node:url";
import { type RetryEvent, withRetries } from "./retry.ts";
import { isRetryable, SourceError } from "./source-error.ts";

export interface Body {
  stream: Readable;
  /** Bytes announced by the server (Content-Length) or the file's size. */
  contentLength: number | undefined;
}

export interface OpenOptions {
  /** An attempt that receives no bytes for this long fails. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface DownloadOptions extends OpenOptions {
  /** Attempts after the first one, for transient failures only. */
  retries: number;
  /** Wait before the first retry; it doubles for each following one. */
  retryDelayMs: number;
  onRetry?(event: RetryEvent): void;
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const TRANSIENT_STATUSES = new Set([408, 429]);
const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETDOWN",
  "ENETUNREACH",
  "EHOSTDOWN",
  "EHOSTUNREACH",
]);
const HEADERS = { "user-agent": "mrs-robot-fetch/1", accept: "*/*" };

/** The URL of `name` under a base URL, with or without a trailing slash. */
export function sourceUrl(base: string, name: string): string {
  return `${base.replace(/\/+$/, "")}/${name}`;
}

/** Opens `url`, hands the body to `consume`, and retries both on transient failures. */
export function download<T>(
  url: string,
  consume: (body: Body) => Promise<T>,
  options: DownloadOptions,
): Promise<T> {
  return withRetries(
    async () => {
      const body = await openUrl(url, options);
      try {
        return await consume(body);
      } finally {
        body.stream.destroy();
      }
    },
    {
      retries: options.retries,
      baseDelayMs: options.retryDelayMs,
      signal: options.signal,
      shouldRetry: isRetryable,
      onRetry: options.onRetry,
    },
  );
}

export async function openUrl(url: string, options: OpenOptions): Promise<Body> {
  options.signal?.throwIfAborted();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SourceError("not a valid URL");
  }
  switch (parsed.protocol) {
    case "file:":
      return openFile(parsed);
    case "http:":
    case "https:":
      return openHttp(parsed, options, MAX_REDIRECTS);
    default:
      throw new SourceError(`unsupported protocol ${parsed.protocol}`);
  }
}

async function openFile(url: URL): Promise<Body> {
  let file: string;
  let size: number;
  try {
    file = fileURLToPath(url);
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new SourceError(`${file} is not a regular file`);
    size = stat.size;
  } catch (error) {
    throw error instanceof SourceError ? error : new SourceError(messageOf(error));
  }
  const guard = new LengthGuard(size);
  const stream = createReadStream(file);
  stream.on("error", (error) => guard.destroy(new SourceError(messageOf(error))));
  guard.once("close", () => stream.destroy());
  stream.pipe(guard);
  return { stream: guard, contentLength: size };
}

function openHttp(url: URL, options: OpenOptions, redirectsLeft: number): Promise<Body> {
  const { timeoutMs, signal } = options;
  return new Promise<Body>((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    let guard: LengthGuard | undefined;
    let expected: number | undefined;
    let received = 0;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;

    const stop = () => {
      finished = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const fail = (error: unknown) => {
      if (finished) return;
      stop();
      reject(error);
      guard?.destroy(error instanceof Error ? error : new Error(String(error)));
      req.destroy();
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => fail(new SourceError(`timed out: no data for ${timeoutMs} ms`, true)),
        timeoutMs,
      );
    };
    const onAbort = () => fail(signal?.reason ?? new Error("aborted"));
    const lost = (error: Error & { code?: string }) => {
      if (error instanceof SourceError) return error;
      if (expected !== undefined && received < expected) {
        return new SourceError(
          `truncated body: received ${received} of ${expected} bytes (Content-Length) before the connection closed`,
          true,
        );
      }
      if (guard)
        return new SourceError(`connection lost after ${received} bytes: ${error.message}`, true);
      return new SourceError(error.message, TRANSIENT_CODES.has(error.code ?? ""));
    };

    const req = client.get(url, { headers: HEADERS });
    signal?.addEventListener("abort", onAbort, { once: true });
    arm();
    req.on("error", (error) => fail(lost(error)));
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status !== 200) {
        stop();
        req.destroy();
        if (REDIRECT_STATUSES.has(status) && location) {
          resolve(redirect(url, location, options, redirectsLeft));
        } else {
          const retryable = status >= 500 || TRANSIENT_STATUSES.has(status);
          reject(new SourceError(`HTTP ${status} ${res.statusMessage ?? ""}`.trim(), retryable));
        }
        return;
      }
      expected = parseLength(res.headers["content-length"]);
      guard = new LengthGuard(expected);
      guard.once("close", () => {
        stop();
        if (!res.complete) req.destroy();
      });
      res.on("data", (chunk: Buffer) => {
        received += chunk.length;
        arm();
      });
      res.on("end", () => clearTimeout(timer));
      res.on("error", (error) => fail(lost(error)));
      res.pipe(guard);
      resolve({ stream: guard, contentLength: expected });
    });
  });
}

async function redirect(
  from: URL,
  location: string,
  options: OpenOptions,
  redirectsLeft: number,
): Promise<Body> {
  if (redirectsLeft <= 0) throw new SourceError(`more than ${MAX_REDIRECTS} redirects`);
  const next = new URL(location, from);
  if (next.protocol !== "http:" && next.protocol !== "https:") {
    throw new SourceError(`redirected to unsupported protocol ${next.protocol}`);
  }
  return openHttp(next, options, redirectsLeft - 1);
}

function parseLength(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header);
}

/** Passes bytes through and fails when their count differs from the announced length. */
class LengthGuard extends Transform {
  received = 0;

  constructor(readonly expected: number | undefined) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.received += chunk.length;
    if (this.expected !== undefined && this.received > this.expected) {
      callback(new SourceError(`body longer than the announced ${this.expected} bytes`));
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback) {
    if (this.expected !== undefined && this.received < this.expected) {
      callback(
        new SourceError(
          `truncated body: received ${this.received} of ${this.expected} bytes`,
          true,
        ),
      );
      return;
    }
    callback();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
