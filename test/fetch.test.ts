import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import {
  DEFAULT_SOURCES,
  FASHION_MNIST_FILES,
  FETCH_OUTPUTS,
  type FetchRole,
  fetch,
  fetchParams,
} from "../stages/fetch.ts";
import { startHttpServer, type TestServer } from "./helpers/http-server.ts";
import { cyclingLabels, idxImages, idxLabels } from "./helpers/idx.ts";
import { makeStageContext } from "./helpers/stage-context.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REAL_DATA = path.resolve(REPO, "../shared/data/fashion-mnist");

const ROLES = Object.keys(FETCH_OUTPUTS) as FetchRole[];
const NAMES: Record<FetchRole, string> = {
  trainImages: "train-images-idx3-ubyte.gz",
  trainLabels: "train-labels-idx1-ubyte.gz",
  testImages: "t10k-images-idx3-ubyte.gz",
  testLabels: "t10k-labels-idx1-ubyte.gz",
};
const RAW: Record<FetchRole, Buffer> = {
  trainImages: idxImages(12),
  trainLabels: idxLabels(cyclingLabels(12)),
  testImages: idxImages(4, { pixel: (i, r, c) => (i + r * c) & 0xff }),
  testLabels: idxLabels(cyclingLabels(4)),
};
const GZ = Object.fromEntries(ROLES.map((role) => [role, gzipSync(RAW[role])])) as Record<
  FetchRole,
  Buffer
>;
const FILES = Object.fromEntries(
  ROLES.map((role) => [
    role,
    { name: NAMES[role], sha256: sha256(RAW[role]), gzipSha256: sha256(GZ[role]) },
  ]),
);
const TRAIN = NAMES.trainImages;

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

let server: TestServer;
const base = (dir: string) => `${server.origin}/${dir}/`;

/** Serves the four good archives under /dir/, except for the replies given. */
function serve(
  dir: string,
  except: Partial<Record<FetchRole, Parameters<TestServer["reply"]>[1]>>,
) {
  for (const role of ROLES) {
    server.reply(`/${dir}/${NAMES[role]}`, except[role] ?? { kind: "ok", body: GZ[role] });
  }
}

async function runFetch(params: Record<string, unknown>) {
  const harness = await makeStageContext(fetch, {
    files: FILES,
    timeoutMs: 300,
    retries: 2,
    retryDelayMs: 10,
    ...params,
  });
  let error: unknown;
  try {
    await fetch.run(harness.context);
  } catch (caught) {
    error = caught;
  }
  const outFiles = (await fs.readdir(harness.context.outDir)).sort();
  return { ...harness, error, outFiles, log: harness.lines.join("\n") };
}

async function assertAllFourWritten(outDir: string) {
  assert.deepEqual((await fs.readdir(outDir)).sort(), Object.values(FETCH_OUTPUTS).sort());
  for (const role of ROLES) {
    assert.deepEqual(await fs.readFile(path.join(outDir, FETCH_OUTPUTS[role])), RAW[role]);
  }
}

/** A URL on which nothing listens. */
async function closedPortOrigin(): Promise<string> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

before(async () => {
  server = await startHttpServer();
  serve("good", {});
});

after(async () => {
  await server.close();
});

describe("fetch params", () => {
  test("defaults to the Fashion-MNIST files and sources", () => {
    const params = fetchParams.parse({});
    assert.deepEqual(params.sources, DEFAULT_SOURCES);
    assert.deepEqual(params.files, FASHION_MNIST_FILES);
    assert.equal(params.timeoutMs, 30_000);
    assert.equal(params.retries, 3);
    assert.equal(params.retryDelayMs, 500);
  });

  test("splits a --set style comma-separated string of sources", () => {
    const params = fetchParams.parse({
      sources: "http://a.example/x/, file:///data/fm ,https://b",
    });
    assert.deepEqual(params.sources, ["http://a.example/x/", "file:///data/fm", "https://b"]);
    assert.equal(fetchParams.parse({ timeoutMs: "250" }).timeoutMs, 250);
  });

  test("explains what it expected", () => {
    const message = (input: unknown) => {
      const result = fetchParams.safeParse(input);
      assert.equal(result.success, false);
      return result.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n");
    };
    assert.match(message({ sources: "ftp://x/" }) ?? "", /http:\/\/, https:\/\/ or file:\/\//);
    assert.match(message({ sources: "" }) ?? "", /at least one source/);
    assert.match(message({ sources: [] }) ?? "", /at least one source/);
    const badSha = { ...FILES, trainLabels: { name: "x.gz", sha256: "abc" } };
    assert.match(message({ files: badSha }) ?? "", /files\.trainLabels\.sha256: .*64 hex/);
    assert.match(message({ timeoutMs: 0 }) ?? "", /milliseconds greater than 0/);
    assert.match(message({ retries: 1.5 }) ?? "", /whole number of retries/);
    assert.match(message({ source: "http://a/" }) ?? "", /unknown "source": expected fetch params/);
  });

  test("keyParams keeps the files and ignores sources, timeouts and retries", () => {
    const a = fetchParams.parse({ files: FILES, sources: "http://a/", timeoutMs: 5 });
    const b = fetchParams.parse({ files: FILES, sources: ["file:///b"], retries: 0 });
    assert.deepEqual(fetch.keyParams?.(a), fetch.keyParams?.(b));
    assert.deepEqual(fetch.keyParams?.(a), { files: a.files });
    const other = { ...FILES, testLabels: { name: NAMES.testLabels, sha256: "0".repeat(64) } };
    const c = fetchParams.parse({ files: other });
    assert.notDeepEqual(fetch.keyParams?.(a), fetch.keyParams?.(c));
  });
});

describe("fetch over HTTP", () => {
  test("writes the four decompressed, verified IDX files and describes them", async () => {
    const run = await runFetch({ sources: [base("good")] });
    assert.equal(run.error, undefined);
    await assertAllFourWritten(run.context.outDir);
    const files = run.details.files as Record<FetchRole, Record<string, unknown>>;
    assert.deepEqual(files.trainImages, {
      name: TRAIN,
      source: `${base("good")}${TRAIN}`,
      sha256: FILES.trainImages?.sha256,
      gzipSha256: FILES.trainImages?.gzipSha256,
      gzipMatched: true,
      bytes: RAW.trainImages.length,
      gzipBytes: GZ.trainImages.length,
    });
    assert.match(run.log, /debug: train-images-idx3-ubyte\.gz: gzip SHA-256 verified/);
  });

  test("a 404 is not retried and the next source is used", async () => {
    const run = await runFetch({ sources: [base("missing"), base("good")] });
    assert.equal(run.error, undefined);
    await assertAllFourWritten(run.context.outDir);
    assert.equal(server.hits(`/missing/${TRAIN}`), 1);
    assert.match(
      run.log,
      /warn: .*\/missing\/train-images-idx3-ubyte\.gz failed: HTTP 404 Not Found/,
    );
  });

  test("a 500 is retried with backoff and the retry recovers", async () => {
    serve("flaky", {
      trainImages: { kind: "fail-then-ok", status: 500, failures: 1, body: GZ.trainImages },
    });
    const run = await runFetch({ sources: [base("flaky")] });
    assert.equal(run.error, undefined);
    await assertAllFourWritten(run.context.outDir);
    assert.equal(server.hits(`/flaky/${TRAIN}`), 2);
    assert.match(run.log, /retry 1 of 2 after 10 ms: HTTP 500 Internal Server Error/);
  });

  test("follows a redirect", async () => {
    serve("moved", {
      trainImages: { kind: "redirect", status: 301, location: `/good/${TRAIN}` },
    });
    const run = await runFetch({ sources: [base("moved")] });
    assert.equal(run.error, undefined);
    await assertAllFourWritten(run.context.outDir);
  });

  test("a server that stops sending times out, and the next source is used", async () => {
    serve("silent", {
      trainImages: { kind: "hang" },
      trainLabels: { kind: "stall", body: GZ.trainLabels, sendBytes: 10 },
    });
    const started = Date.now();
    const run = await runFetch({
      sources: [base("silent"), base("good")],
      timeoutMs: 150,
      retries: 1,
    });
    assert.equal(run.error, undefined);
    await assertAllFourWritten(run.context.outDir);
    assert.ok(Date.now() - started < 5000, "Date.now() - started < 5000");
    assert.equal(server.hits(`/silent/${TRAIN}`), 2);
    assert.match(
      run.log,
      /silent\/train-images-idx3-ubyte\.gz: retry 1 of 1 after 10 ms: timed out/,
    );
    assert.match(
      run.log,
      /silent\/train-labels-idx1-ubyte\.gz failed: timed out: no data for 150 ms; trying the next/,
    );
  });

  test("a body shorter than its Content-Length is an error", async () => {
    serve("cut", {
      trainImages: { kind: "truncate", body: GZ.trainImages, sendBytes: 100 },
    });
    const run = await runFetch({ sources: [base("cut"), base("good")] });
    assert.equal(run.error, undefined);
    await assertAllFourWritten(run.context.outDir);
    assert.equal(server.hits(`/cut/${TRAIN}`), 3);
    assert.match(
      run.log,
      new RegExp(
        `cut/${TRAIN} failed: truncated body: received 100 of ${GZ.trainImages.length} bytes`,
      ),
    );
  });

  test("a gzip stream that ends early is an error", async () => {
    serve("short", {
      trainImages: { kind: "ok", body: GZ.trainImages.subarray(0, GZ.trainImages.length - 20) },
    });
    const run = await runFetch({ sources: [base("short"), base("good")] });
    assert.equal(run.error, undefined);
    await assertAllFourWritten(run.context.outDir);
    assert.match(
      run.log,
      /short\/train-images-idx3-ubyte\.gz failed: gzip stream ends early \(unexpected end of file\)/,
    );
  });

  test("bytes that are not gzip are reported as corrupt gzip for that file and source", async () => {
    serve("plain", { testLabels: { kind: "ok", body: RAW.testLabels } });
    const run = await runFetch({ sources: [base("plain"), base("good")] });
    assert.equal(run.error, undefined);
    await assertAllFourWritten(run.context.outDir);
    assert.equal(server.hits(`/plain/${NAMES.testLabels}`), 1);
    assert.match(
      run.log,
      /warn: t10k-labels-idx1-ubyte\.gz: http:\/\/127\.0\.0\.1:\d+\/plain\/t10k-labels-idx1-ubyte\.gz failed: corrupt gzip data \(incorrect header check\)/,
    );
  });

  test("other content is a checksum mismatch showing file, source, expected and actual", async () => {
    const other = idxImages(12, { pixel: () => 7 });
    serve("wrong", { trainImages: { kind: "ok", body: gzipSync(other) } });
    const run = await runFetch({ sources: [base("wrong")] });
    assert.ok(run.error instanceof Error, "run.error instanceof Error");
    const message = run.error.message;
    assert.match(message, /^train-images-idx3-ubyte\.gz: no source delivered a verified copy:\n/);
    assert.ok(
      message.includes(`  ${base("wrong")}${TRAIN}: decompressed SHA-256 mismatch`),
      'message.includes(`  ${base("wrong")}${TRAIN}: decompressed SHA-256 mismatch`)',
    );
    assert.ok(
      message.includes(`expected ${FILES.trainImages?.sha256}, actual ${sha256(other)}`),
      "message.includes(`expected ${FILES.trainImages?.sha256}, actual ${sha256(other)}`)",
    );
    assert.deepEqual(run.outFiles, []);
  });

  test("a repackaged archive is accepted on its decompressed checksum", async () => {
    const repackaged = Buffer.from(GZ.trainLabels);
    repackaged[9] = 0xff; // the OS byte of the gzip header: not covered by any checksum
    serve("debian", { trainLabels: { kind: "ok", body: repackaged } });
    const run = await runFetch({ sources: [base("debian")] });
    assert.equal(run.error, undefined);
    await assertAllFourWritten(run.context.outDir);
    const files = run.details.files as Record<FetchRole, Record<string, unknown>>;
    assert.equal(files.trainLabels?.gzipMatched, false);
    assert.equal(files.trainLabels?.gzipSha256, sha256(repackaged));
    assert.match(
      run.log,
      /\] train-labels-idx1-ubyte\.gz: the gzip bytes from .* differ from the published archive .*the decompressed checksum decides/,
    );
  });

  test("when every source fails, the error lists each source and no partial file remains", async () => {
    serve("broken", {
      trainImages: { kind: "status", status: 503 },
    });
    serve("stalled", {
      trainImages: { kind: "stall", body: GZ.trainImages, sendBytes: 200 },
    });
    const refused = await closedPortOrigin();
    const secret = `http://reader:s3cret@127.0.0.1:${new URL(server.origin).port}/private/`;
    const sources = [base("missing"), base("broken"), base("stalled"), `${refused}/x`, secret];
    const run = await runFetch({ sources, timeoutMs: 150, retries: 1 });
    assert.ok(run.error instanceof Error, "run.error instanceof Error");
    const lines = run.error.message.split("\n");
    assert.equal(lines[0], `${TRAIN}: no source delivered a verified copy:`);
    assert.equal(lines[1], `  ${base("missing")}${TRAIN}: HTTP 404 Not Found`);
    assert.equal(lines[2], `  ${base("broken")}${TRAIN}: HTTP 503 Service Unavailable`);
    assert.equal(lines[3], `  ${base("stalled")}${TRAIN}: timed out: no data for 150 ms`);
    assert.match(lines[4] ?? "", new RegExp(`^  ${refused}/x/${TRAIN}: connect ECONNREFUSED`));
    assert.match(
      lines[5] ?? "",
      /^ {2}http:\/\/reader:\*\*\*@127\.0\.0\.1:\d+\/private\/.*: HTTP 404/,
    );
    assert.equal(lines.length, 6);
    assert.ok(!run.error.message.includes("s3cret"), '!run.error.message.includes("s3cret")');
    assert.ok(!run.log.includes("s3cret"), '!run.log.includes("s3cret")');
    assert.equal(server.hits(`/broken/${TRAIN}`), 2);
    assert.deepEqual(run.outFiles, []);
  });

  test("an abort stops the fetch at once, without trying other sources", async () => {
    serve("abort", { trainImages: { kind: "stall", body: GZ.trainImages, sendBytes: 100 } });
    const harness = await makeStageContext(fetch, {
      files: FILES,
      sources: [base("abort"), base("good")],
      timeoutMs: 10_000,
    });
    const controller = new AbortController();
    harness.context.signal = controller.signal;
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await assert.rejects(fetch.run(harness.context), { name: "AbortError" });
    assert.ok(Date.now() - started < 3000, "Date.now() - started < 3000");
    assert.deepEqual(await fs.readdir(harness.context.outDir), []);
  });
});

describe("fetch from files", () => {
  let dir: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "fetch-files-"));
    for (const role of ROLES) await fs.writeFile(path.join(dir, NAMES[role]), GZ[role]);
  });

  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  test("reads a file:// source, after a missing one", async () => {
    const missing = pathToFileURL(path.join(dir, "nowhere")).href;
    const run = await runFetch({ sources: `${missing},${pathToFileURL(dir).href}/` });
    assert.equal(run.error, undefined);
    await assertAllFourWritten(run.context.outDir);
    assert.match(run.log, /nowhere\/train-images-idx3-ubyte\.gz failed: ENOENT/);
    const files = run.details.files as Record<FetchRole, Record<string, unknown>>;
    assert.equal(files.testImages?.source, `${pathToFileURL(dir).href}/${NAMES.testImages}`);
  });

  test("the real Fashion-MNIST archives give the canonical decompressed files", {}, async () => {
    const harness = await makeStageContext(fetch, { sources: [pathToFileURL(REAL_DATA).href] });
    await fetch.run(harness.context);
    const outDir = harness.context.outDir;
    assert.deepEqual((await fs.readdir(outDir)).sort(), Object.values(FETCH_OUTPUTS).sort());
    const files = harness.details.files as Record<FetchRole, Record<string, unknown>>;
    for (const role of ROLES) {
      const bytes = await fs.readFile(path.join(outDir, FETCH_OUTPUTS[role]));
      assert.equal(sha256(bytes), FASHION_MNIST_FILES[role].sha256);
      assert.equal(files[role]?.gzipMatched, true);
      assert.equal(files[role]?.bytes, bytes.length);
    }
    const images = await fs.readFile(path.join(outDir, FETCH_OUTPUTS.trainImages));
    assert.deepEqual(
      [0, 4, 8, 12].map((offset) => images.readUInt32BE(offset)),
      [0x803, 60000, 28, 28],
    );
    await fs.rm(path.dirname(outDir), { recursive: true, force: true });
  });
});
