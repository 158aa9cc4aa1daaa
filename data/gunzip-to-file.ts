// Streams gzip bytes into a file, decompressing on the way and taking the
// SHA-256 of both the compressed and the decompressed bytes in the same pass.
import { createHash, type Hash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { type Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { SourceError } from "./source-error.ts";

export interface GunzipResult {
  gzipSha256: string;
  gzipBytes: number;
  sha256: string;
  bytes: number;
}

export interface GunzipOptions {
  signal?: AbortSignal;
  /** Called with the size of each compressed chunk read. */
  onChunk?(bytes: number): void;
}

/**
 * Writes the decompressed `source` to `file`. A stream that is not gzip, or one
 * that ends early, fails with a SourceError; the caller removes the file.
 */
export async function gunzipToFile(
  source: Readable,
  file: string,
  options: GunzipOptions = {},
): Promise<GunzipResult> {
  const compressed = new HashTap(options.onChunk);
  const decompressed = new HashTap();
  try {
    await pipeline(source, compressed, createGunzip(), decompressed, createWriteStream(file), {
      signal: options.signal,
    });
  } catch (error) {
    throw zlibError(error) ?? error;
  }
  return {
    gzipSha256: compressed.digest(),
    gzipBytes: compressed.bytes,
    sha256: decompressed.digest(),
    bytes: decompressed.bytes,
  };
}

class HashTap extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash("sha256");

  constructor(private readonly onChunk?: (bytes: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onChunk?.(chunk.length);
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest("hex");
  }
}

function zlibError(error: unknown): SourceError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !code.startsWith("Z_")) return undefined;
  const message = (error as Error).message;
  if (code === "Z_BUF_ERROR") {
    return new SourceError(`gzip stream ends early (${message}): truncated archive`, false, {
      cause: error,
    });
  }
  return new SourceError(`corrupt gzip data (${message})`, false, { cause: error });
}
