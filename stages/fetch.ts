// fetch: gets the four dataset archives from the first source that delivers a
// verified copy, and writes them decompressed under fixed role names. The
// canonical identity of a file is the SHA-256 of its decompressed bytes:
// repackaged archives (Debian's, say) differ only in the gzip header.
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { type Body, download, sourceUrl } from "../data/download.ts";
import { type GunzipResult, gunzipToFile } from "../data/gunzip-to-file.ts";
import { SourceError } from "../data/source-error.ts";
import { redactUrl } from "../engine/log.ts";
import type { Stage, StageContext } from "../engine/stage.ts";

/** The files fetch writes into its output, by role. */
export const FETCH_OUTPUTS = {
  trainImages: "train-images.idx",
  trainLabels: "train-labels.idx",
  testImages: "test-images.idx",
  testLabels: "test-labels.idx",
} as const;

export type FetchRole = keyof typeof FETCH_OUTPUTS;

const ROLES = Object.keys(FETCH_OUTPUTS) as FetchRole[];

export const DEFAULT_SOURCES: readonly string[] = [
  "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
  "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
  "file:///usr/share/datasets/fashion-mnist",
];

export interface FileSpec {
  name: string;
  sha256: string;
  gzipSha256?: string | undefined;
}

export const FASHION_MNIST_FILES: Readonly<Record<FetchRole, FileSpec>> = {
  trainImages: {
    name: "train-images-idx3-ubyte.gz",
    sha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    gzipSha256: "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
  },
  trainLabels: {
    name: "train-labels-idx1-ubyte.gz",
    sha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    gzipSha256: "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
  },
  testImages: {
    name: "t10k-images-idx3-ubyte.gz",
    sha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    gzipSha256: "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
  },
  testLabels: {
    name: "t10k-labels-idx1-ubyte.gz",
    sha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    gzipSha256: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
  },
};

const SUPPORTED_PROTOCOLS = new Set(["http:", "https:", "file:"]);

function isSourceUrl(text: string): boolean {
  try {
    return SUPPORTED_PROTOCOLS.has(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** `--set fetch.sources=A,B` arrives as one string: split it into the list. */
function splitCommaList(value: unknown): unknown {
  if (typeof value !== "string") return value;
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Accepts "250" for 250, as a value set on the command line may be a string. */
function numericString(value: unknown): unknown {
  return typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
}

function wholeNumber(min: number, expectation: string) {
  return z.preprocess(
    numericString,
    z
      .number({ error: `expected ${expectation}` })
      .int({ error: `expected ${expectation}` })
      .min(min, { error: `expected ${expectation}` }),
  );
}

function sha256Hex(of: string) {
  const expectation = `expected the SHA-256 of ${of} as 64 hexadecimal digits`;
  return z
    .string({ error: expectation })
    .regex(/^[0-9a-fA-F]{64}$/, { error: expectation })
    .transform((hex) => hex.toLowerCase());
}

/** Errors for an object: a wrong type or an unknown key, with what was expected. */
function objectError(expectation: string) {
  return (issue: { code?: string; keys?: readonly string[] }) => {
    if (issue.code === "unrecognized_keys") {
      return `unknown ${issue.keys?.map((key) => `"${key}"`).join(", ")}: expected ${expectation}`;
    }
    return issue.code === "invalid_type" ? `expected ${expectation}` : undefined;
  };
}

const fileSpec = z.strictObject(
  {
    name: z
      .string({ error: "expected the archive's file name, e.g. train-images-idx3-ubyte.gz" })
      .min(1, { error: "expected the archive's file name, e.g. train-images-idx3-ubyte.gz" }),
    sha256: sha256Hex("the decompressed file"),
    gzipSha256: sha256Hex("the published .gz archive").optional(),
  },
  { error: objectError("{ name, sha256, gzipSha256? } for a dataset file") },
);

const filesExpectation = "{ trainImages, trainLabels, testImages, testLabels }";

export const fetchParams = z.strictObject(
  {
    sources: z
      .preprocess(
        splitCommaList,
        z
          .array(
            z
              .string({ error: "expected a base URL string" })
              .trim()
              .refine(isSourceUrl, { error: "expected an http://, https:// or file:// base URL" }),
            { error: "expected a list of base URLs, or one comma-separated string of them" },
          )
          .min(1, { error: "expected at least one source base URL" }),
      )
      .default(() => [...DEFAULT_SOURCES]),
    files: z
      .strictObject(
        {
          trainImages: fileSpec,
          trainLabels: fileSpec,
          testImages: fileSpec,
          testLabels: fileSpec,
        },
        { error: objectError(filesExpectation) },
      )
      .default(() => structuredClone(FASHION_MNIST_FILES) as Record<FetchRole, FileSpec>),
    timeoutMs: wholeNumber(1, "a whole number of milliseconds greater than 0").default(30_000),
    retries: wholeNumber(0, "a whole number of retries, 0 or more").default(3),
    retryDelayMs: wholeNumber(0, "a whole number of milliseconds, 0 or more").default(500),
  },
  { error: objectError("fetch params { sources, files, timeoutMs, retries, retryDelayMs }") },
);

export type FetchParams = z.infer<typeof fetchParams>;

export interface FetchedFile {
  name: string;
  /** The URL the verified copy came from, password hidden. */
  source: string;
  sha256: string;
  gzipSha256: string;
  /** Whether the archive matched the published gzip checksum; null when none is given. */
  gzipMatched: boolean | null;
  bytes: number;
  gzipBytes: number;
}

export const fetch: Stage<FetchParams> = {
  worker: "fetch",
  version: 1,
  description:
    "Downloads the dataset archives from the first source that delivers a verified copy and writes them decompressed as IDX files",
  params: fetchParams,
  inputs: {},
  // Where the bytes came from does not change what they are.
  keyParams: (params) => ({ files: params.files }),
  usesTensorflow: false,
  async run(context) {
    const files: Partial<Record<FetchRole, FetchedFile>> = {};
    const unreachable = new Map<string, string>();
    for (const role of ROLES) files[role] = await fetchFile(context, role, unreachable);
    context.describe({ files });
  },
};

/** Errors that say the source's host cannot be reached at all, for any file. */
const UNREACHABLE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH/;

async function fetchFile(
  context: StageContext<FetchParams>,
  role: FetchRole,
  unreachable: Map<string, string>,
): Promise<FetchedFile> {
  const { params, log } = context;
  const spec = params.files[role];
  const target = path.join(context.outDir, FETCH_OUTPUTS[role]);
  const failures: string[] = [];
  for (const [index, base] of params.sources.entries()) {
    const url = sourceUrl(base, spec.name);
    const shown = redactUrl(url);
    const known = unreachable.get(base);
    if (known) {
      log.debug(
        `${spec.name}: skipping ${redactUrl(base)}, unreachable earlier in this run (${known})`,
      );
      failures.push(`  ${shown}: not tried, unreachable earlier in this run (${known})`);
      continue;
    }
    try {
      const result = await download(url, (body) => receive(context, spec, shown, body, target), {
        timeoutMs: params.timeoutMs,
        retries: params.retries,
        retryDelayMs: params.retryDelayMs,
        signal: context.signal,
        onRetry: ({ retry, of, delayMs, error }) =>
          log.warn(
            `${spec.name}: ${shown}: retry ${retry} of ${of} after ${delayMs} ms: ${messageOf(error)}`,
          ),
      });
      log.info(`${spec.name}: verified copy from ${shown} written to ${FETCH_OUTPUTS[role]}`);
      return { name: spec.name, source: shown, ...result };
    } catch (error) {
      // An abort or a local failure (disk full, ...) is no reason to try elsewhere.
      if (!(error instanceof SourceError)) throw error;
      const next = index + 1 < params.sources.length ? "trying the next source" : "no source left";
      log.warn(`${spec.name}: ${shown} failed: ${error.message}; ${next}`);
      failures.push(`  ${shown}: ${error.message}`);
      const host = UNREACHABLE.exec(error.message)?.[0];
      if (host) unreachable.set(base, host);
    }
  }
  throw new Error(`${spec.name}: no source delivered a verified copy:\n${failures.join("\n")}`);
}

/** One attempt: gunzip into a temporary file, verify, then rename it into place. */
async function receive(
  context: StageContext<FetchParams>,
  spec: FileSpec,
  shown: string,
  body: Body,
  target: string,
): Promise<GunzipResult & { gzipMatched: boolean | null }> {
  const temp = `${target}.part`;
  const progress = context.progress(`fetch ${spec.name}`, body.contentLength ?? 0, "B");
  let verified = false;
  try {
    const result = await gunzipToFile(body.stream, temp, {
      signal: context.signal,
      onChunk: (bytes) => progress.tick(bytes),
    });
    if (result.sha256 !== spec.sha256) {
      throw new SourceError(
        `decompressed SHA-256 mismatch for ${spec.name}: expected ${spec.sha256}, actual ${result.sha256}`,
      );
    }
    const gzipMatched = checkGzip(context, spec, shown, result.gzipSha256);
    await fs.rename(temp, target);
    verified = true;
    return { ...result, gzipMatched };
  } finally {
    progress.done(verified ? "verified" : "failed");
    if (!verified) await fs.rm(temp, { force: true });
  }
}

function checkGzip(
  context: StageContext<FetchParams>,
  spec: FileSpec,
  shown: string,
  actual: string,
): boolean | null {
  if (spec.gzipSha256 === undefined) return null;
  if (actual === spec.gzipSha256) {
    context.log.debug(`${spec.name}: gzip SHA-256 verified against the published archive`);
    return true;
  }
  context.log.info(
    `${spec.name}: the gzip bytes from ${shown} differ from the published archive ` +
      `(sha256 ${actual}, published ${spec.gzipSha256}), e.g. repackaged; ` +
      "the decompressed checksum decides",
  );
  return false;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
