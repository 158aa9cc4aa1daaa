// Opens the published index.html from disk in a real headless Chromium
// (Debian's "chromium" package, driven by playwright-core) and checks what a
// reader would see. Set REPORT_SCREENSHOT=/some/file.png to keep the screenshot.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { encodePng, tileImages } from "../data/png.ts";
import type { Entry } from "../engine/stage.ts";
import { renderScatter } from "../plot/scatter.ts";
import { LABEL_NAMES } from "../stages/evaluate.ts";
import { publishStage } from "../stages/publish.ts";
import { entryFromDir, makeStageContext } from "./helpers/stage-context.ts";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

interface Seen {
  manifoldWidth?: number;
  latentWidth?: number;
  broken: number;
  images: number;
  charts: number;
  curves: number;
  chartHeight: number;
  metrics: string;
  title: string;
}

const SEEN = `(() => {
  const manifold = document.getElementById("manifold-img");
  const latent = document.getElementById("latent-img");
  const chart = document.querySelector("svg.loss-chart");
  return {
    manifoldWidth: manifold ? manifold.naturalWidth : undefined,
    latentWidth: latent ? latent.naturalWidth : undefined,
    broken: [...document.images].filter((i) => !i.complete || i.naturalWidth === 0).length,
    images: document.images.length,
    charts: document.querySelectorAll("svg.loss-chart").length,
    curves: document.querySelectorAll("svg.loss-chart g.series path").length,
    chartHeight: chart ? chart.getBoundingClientRect().height : 0,
    metrics: (document.getElementById("metrics-table") || {}).textContent || "",
    title: document.title,
  };
})()`;

let root: string;
let browser: Browser | undefined;

async function write(file: string, data: string | Uint8Array) {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data);
}

/** Soft ellipses whose width follows the column and height the row, like a 2-D manifold. */
function blobs(cells: number): Buffer {
  const images = new Uint8Array(cells * cells * 784);
  for (let r = 0; r < cells; r++) {
    for (let c = 0; c < cells; c++) {
      const rx = 3 + (9 * c) / Math.max(1, cells - 1);
      const ry = 3 + (9 * (cells - 1 - r)) / Math.max(1, cells - 1);
      const base = (r * cells + c) * 784;
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const d = ((x - 13.5) / rx) ** 2 + ((y - 13.5) / ry) ** 2;
          images[base + y * 28 + x] = Math.round(255 * Math.max(0, Math.min(1, 1.6 - d)));
        }
      }
    }
  }
  const t = tileImages(images, cells * cells, 28, cells);
  return encodePng(t.width, t.height, t.pixels);
}

function scatterPng(): Buffer {
  const n = 3000;
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  const classes = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 10;
    const angle = (k / 10) * 2 * Math.PI;
    classes[i] = k;
    xs[i] = 1.7 * Math.cos(angle) + 0.6 * Math.sin(i * 12.9898);
    ys[i] = 1.7 * Math.sin(angle) + 0.6 * Math.cos(i * 78.233);
  }
  return renderScatter({
    xs,
    ys,
    classes,
    classNames: LABEL_NAMES,
    title: "Latent means of 3000 test images",
    xLabel: "z[0]",
    yLabel: "z[1]",
  }).toPng();
}

async function upstream(): Promise<Record<string, Entry>> {
  const train = path.join(root, "train");
  await write(path.join(train, "encoder/model.json"), "{}");
  await write(path.join(train, "decoder/model.json"), "{}");
  const epochs = Array.from({ length: 12 }, (_, i) => {
    const e = i + 1;
    return {
      epoch: e,
      loss: 250 + 90 / e,
      reconstruction: 236 + 95 / e,
      kl: 14 - 5 / e,
      testLoss: 253 + 80 / e,
      testReconstruction: 239 + 84 / e,
      testKl: 14 - 4 / e,
      durationMs: 4200,
      samplesPerSecond: 14285,
    };
  });
  await write(path.join(train, "history.json"), JSON.stringify({ epochs }));
  for (const e of [1, 2, 3, 4, 5, 6])
    await write(path.join(train, `previews/epoch-00${e}.png`), blobs(8));
  await write(path.join(train, "logs/train/events.out.tfevents.1"), new Uint8Array([1]));
  const evaluate = path.join(root, "evaluate");
  const perClass = Object.fromEntries(
    LABEL_NAMES.map((n, i) => [
      n,
      {
        loss: 180 + ((i * 37) % 140),
        reconstruction: 168 + ((i * 37) % 140),
        kl: 12 + (i % 4),
        images: 1000,
      },
    ]),
  );
  const metrics = {
    convention: "Per test image, averaged: loss = reconstruction + kl.",
    test: { loss: 262.3456, reconstruction: 248.1, kl: 14.2456, images: 10000 },
    perClass,
    latentDim: 2,
  };
  await write(path.join(evaluate, "metrics.json"), JSON.stringify(metrics));
  const render = path.join(root, "render");
  await write(path.join(render, "manifold.png"), blobs(30));
  await write(path.join(render, "latent.png"), scatterPng());
  await write(
    path.join(render, "manifold.json"),
    JSON.stringify({ grid: 30, spacing: "quantile", probabilities: [0.05, 0.95], latentDim: 2 }),
  );
  const model = entryFromDir("train", train, { backend: "tensorflow", parameters: 110_000 });
  model.manifest.params = { latentDim: 2, epochs: 12, batchSize: 128, learningRate: 0.001 };
  const ev = entryFromDir("evaluate", evaluate);
  ev.manifest.params = { batchSize: 1000, seed: 0 };
  const fig = entryFromDir("render", render);
  fig.manifest.params = { grid: 30, spacing: "quantile", range: 4, quantiles: [0.05, 0.95] };
  const dataset = entryFromDir("convert", path.join(root, "convert"));
  dataset.manifest.files = [{ path: "test-images.npy", size: 7840128, sha256: "3f".repeat(32) }];
  return { model, metrics: ev, figures: fig, dataset };
}

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "report-browser-"));
});

after(async () => {
  await browser?.close();
  await fs.rm(root, { recursive: true, force: true });
});

describe("published report in a real browser", () => {
  it("renders from file:// with its images, curves and metrics", async (t) => {
    assert.ok(
      existsSync(CHROMIUM),
      `no browser at ${CHROMIUM}: install Debian's package "chromium" (apt-get install -y chromium)`,
    );
    const harness = await makeStageContext(publishStage, {}, await upstream());
    await publishStage.run(harness.context);
    const index = path.join(harness.context.outDir, "index.html");

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(index).href, { waitUntil: "load", timeout: 20_000 });

    // A string, not a function: the TypeScript loader would add helpers the page lacks.
    const seen = (await page.evaluate(SEEN)) as Seen;
    assert.equal(seen.manifoldWidth, 840);
    assert.equal(seen.latentWidth, 800);
    assert.equal(seen.broken, 0, "every image loads");
    assert.equal(seen.images, 8);
    assert.equal(seen.charts, 3);
    assert.equal(seen.curves, 6, "train and test curve in each chart");
    assert.ok(seen.chartHeight > 100, `loss chart is ${seen.chartHeight}px tall`);
    assert.ok(seen.metrics.includes("262.35"), `metrics table shows test.loss: ${seen.metrics}`);
    assert.ok(seen.metrics.includes("Ankle boot"), "metrics table lists the classes");
    assert.equal(seen.title, "Mrs.Robot wardrobe");
    const foreign = requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"));
    assert.deepEqual(foreign, [], "the page fetches nothing from the network");

    const shot = process.env.REPORT_SCREENSHOT ?? path.join(root, "report.png");
    await page.screenshot({ path: shot, fullPage: true });
    const size = (await fs.stat(shot)).size;
    assert.ok(size > 10_000, `screenshot is only ${size} bytes`);
    t.diagnostic(`screenshot: ${shot}`);
  });
});
