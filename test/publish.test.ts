import assert from "node:assert/strict";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { encodePng, tileImages } from "../data/png.ts";
import type { Entry } from "../engine/stage.ts";
import { listFiles } from "../publish/files.ts";
import { LABEL_NAMES } from "../stages/evaluate.ts";
import { publishStage } from "../stages/publish.ts";
import { entryFromDir, makeStageContext } from "./helpers/stage-context.ts";

let root: string;

async function write(file: string, data: string | Uint8Array) {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data);
}

/** A gray PNG of `cells` x `cells` 28-pixel tiles with a gradient in each. */
function tiles(cells: number): Buffer {
  const images = new Uint8Array(cells * cells * 784).map((_, i) => ((i % 784) * 7 + i) % 256);
  const t = tileImages(images, cells * cells, 28, cells);
  return encodePng(t.width, t.height, t.pixels);
}

const METRICS = {
  convention: "loss = reconstruction + kl <per image>",
  test: { loss: 271.4567, reconstruction: 253.25, kl: 18.2067, images: 10000 },
  perClass: Object.fromEntries(
    LABEL_NAMES.map((name, i) => [
      name,
      { loss: 200 + i * 11.5, reconstruction: 185 + i * 10, kl: 15 + i * 1.5, images: 1000 },
    ]),
  ),
};

interface Upstream {
  model: Entry;
  metrics: Entry;
  figures: Entry;
  dataset: Entry;
}

async function upstream(name: string, options: { sparse?: boolean } = {}): Promise<Upstream> {
  const base = path.join(root, name);
  const train = path.join(base, "train");
  await write(path.join(train, "encoder/model.json"), '{"format":"layers-model","encoder":true}');
  await write(path.join(train, "encoder/weights.bin"), new Uint8Array([1, 2, 3, 4]));
  await write(path.join(train, "decoder/model.json"), '{"format":"layers-model","decoder":true}');
  await write(path.join(train, "decoder/weights.bin"), new Uint8Array([5, 6, 7]));
  if (!options.sparse) {
    const epochs = [1, 2, 3, 4].map((epoch) => ({
      epoch,
      loss: 320 / epoch + 240,
      reconstruction: 300 / epoch + 225,
      kl: 12 + epoch,
      testLoss: 310 / epoch + 245,
      testReconstruction: 290 / epoch + 230,
      testKl: 12.5 + epoch,
      durationMs: 4100 + epoch,
      samplesPerSecond: 14600,
      extra: "fine",
    }));
    await write(path.join(train, "history.json"), JSON.stringify({ epochs }));
    for (const epoch of [1, 2, 3, 4]) {
      await write(path.join(train, `previews/epoch-00${epoch}.png`), tiles(4));
    }
    await write(
      path.join(train, "logs/train/events.out.tfevents.1.host"),
      new Uint8Array([9, 8, 7]),
    );
    await write(path.join(train, "logs/test/events.out.tfevents.1.host"), new Uint8Array([6, 5]));
  }
  const evaluate = path.join(base, "evaluate");
  await write(path.join(evaluate, "metrics.json"), `${JSON.stringify(METRICS, null, 2)}\n`);
  const render = path.join(base, "render");
  await write(path.join(render, "manifold.png"), tiles(30));
  await write(
    path.join(render, "latent.png"),
    encodePng(8, 4, new Uint8Array(96).fill(200), "rgb"),
  );
  await write(
    path.join(render, "manifold.json"),
    JSON.stringify({ grid: 30, spacing: "quantile", probabilities: [0.05, 0.95], latentDim: 2 }),
  );
  const convert = path.join(base, "convert");
  await fs.mkdir(convert, { recursive: true });

  const model = entryFromDir(
    "train",
    train,
    options.sparse ? {} : { backend: "tensorflow", bestEpoch: 4 },
  );
  model.manifest.params = { latentDim: 2, epochs: 4, learningRate: 0.001, loss: "bce" };
  const metrics = entryFromDir("evaluate", evaluate);
  metrics.manifest.params = { batchSize: 1000, seed: 0 };
  const figures = entryFromDir("render", render);
  figures.manifest.params = { grid: 30, spacing: "quantile", quantiles: [0.05, 0.95], range: 4 };
  const dataset = entryFromDir(
    "convert",
    convert,
    options.sparse ? {} : { source: { "t10k-images-idx3-ubyte.gz": { sha256: "ab".repeat(32) } } },
  );
  if (!options.sparse) {
    dataset.manifest.inputs = { raw: { stage: "fetch", key: "k", digest: "cd".repeat(32) } };
    dataset.manifest.files = [
      { path: "test-labels.npy", size: 10128, sha256: "ef".repeat(32) },
      { path: "test-images.npy", size: 7840128, sha256: "01".repeat(32) },
    ];
  }
  return { model, metrics, figures, dataset };
}

async function publish(inputs: Upstream | Omit<Upstream, "dataset">, params: unknown = {}) {
  const harness = await makeStageContext(publishStage, params, { ...inputs });
  await publishStage.run(harness.context);
  const out = harness.context.outDir;
  return { ...harness, out, html: await fs.readFile(path.join(out, "index.html"), "utf8") };
}

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "publish-test-"));
});

after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe("publish", () => {
  it("writes byte-identical output when run twice on the same inputs", async () => {
    const inputs = await upstream("twice");
    const first = await publish(inputs);
    const second = await publish(inputs);
    const files = await listFiles(first.out);
    assert.deepEqual(await listFiles(second.out), files);
    for (const file of files) {
      const a = await fs.readFile(path.join(first.out, file));
      const b = await fs.readFile(path.join(second.out, file));
      assert.ok(a.equals(b), `${file} differs between two publishes`);
    }
  });

  it("copies the upstream artifacts byte for byte", async () => {
    const inputs = await upstream("copies");
    const { out } = await publish(inputs);
    const expected: Array<[string, string]> = [
      ...(await listFiles(inputs.model.dir)).map((f) => [inputs.model.dir, f] as [string, string]),
      [inputs.metrics.dir, "metrics.json"],
      [inputs.figures.dir, "manifold.png"],
      [inputs.figures.dir, "latent.png"],
    ];
    for (const [dir, file] of expected) {
      const copy = await fs.readFile(path.join(out, file));
      assert.ok(copy.equals(await fs.readFile(path.join(dir, file))), `${file} is not a byte copy`);
    }
    const files = await listFiles(out);
    for (const file of [
      "encoder/model.json",
      "decoder/weights.bin",
      "previews/epoch-004.png",
      "logs/test/events.out.tfevents.1.host",
      "history.json",
      "index.html",
    ]) {
      assert.ok(files.includes(file), `missing ${file} in ${files.join(", ")}`);
    }
  });

  it("reports the metrics, params, curves, previews and checksums in a self-contained page", async () => {
    const { html, details } = await publish(await upstream("report"), {
      title: "Wardrobe <&> test",
    });
    assert.ok(html.includes("<title>Wardrobe &lt;&amp;&gt; test</title>"), "title is escaped");
    assert.ok(html.includes("271.46"), "test loss");
    assert.ok(html.includes("253.25") && html.includes("18.21"), "reconstruction and KL");
    assert.ok(html.includes("10,000"), "test image count");
    for (const name of LABEL_NAMES) assert.ok(html.includes(`<td>${name}</td>`), `class ${name}`);
    assert.ok(html.includes("303.50"), "per-class loss of Ankle boot");
    assert.ok(html.includes("loss = reconstruction + kl &lt;per image&gt;"), "convention, escaped");
    for (const text of [
      "learningRate",
      "0.001",
      "batchSize",
      "quantiles",
      "[0.05,0.95]",
      "bestEpoch",
      "<td>title</td>",
    ]) {
      assert.ok(html.includes(text), `params show ${text}`);
    }
    assert.equal(html.match(/<svg class="loss-chart"/g)?.length, 3);
    assert.equal(html.match(/<img [^>]*src="data:image\/png;base64,/g)?.length, 6);
    assert.ok(html.includes('id="manifold-img"'), "manifold image");
    for (const sum of ["ab".repeat(32), "cd".repeat(32), "ef".repeat(32), "01".repeat(32)]) {
      assert.ok(html.includes(sum), `checksum ${sum.slice(0, 4)}`);
    }
    assert.ok(html.indexOf("test-images.npy") < html.indexOf("test-labels.npy"), "files sorted");
    assert.ok(
      !/<script|<link|@import|url\(|src="(?!data:)|href="(?!#)/i.test(html),
      "nothing external",
    );
    assert.equal(details.epochs, 4);
    assert.equal(details.previews, 4);
  });

  it("publishes what there is when optional inputs are missing", async () => {
    const { model, metrics, figures } = await upstream("sparse", { sparse: true });
    const { html, out, lines } = await publish({ model, metrics, figures });
    assert.ok(html.includes("No training history was published."), "no history note");
    assert.ok(html.includes("No previews were published."), "no previews note");
    assert.ok(html.includes("The dataset entry records no checksums."), "no checksums note");
    assert.ok(html.includes("271.46"), "metrics still there");
    assert.ok(
      lines.some((l) => l.includes("no history.json")),
      "warns about the history",
    );
    assert.deepEqual(await listFiles(path.join(out, "logs")), []);
  });

  it("also reads a history that is a bare array of epochs", async () => {
    const inputs = await upstream("bare");
    const file = path.join(inputs.model.dir, "history.json");
    const { epochs } = JSON.parse(await fs.readFile(file, "utf8"));
    await fs.writeFile(file, JSON.stringify(epochs));
    const { html, details } = await publish(inputs);
    assert.equal(details.epochs, 4);
    assert.equal(html.match(/<g class="series (train|test)">/g)?.length, 6);
  });

  it("fails clearly without the figures", async () => {
    const inputs = await upstream("broken");
    await fs.rm(path.join(inputs.figures.dir, "manifold.png"));
    await assert.rejects(publish(inputs), /render entry has no manifold\.png/);
  });

  it("never loads TensorFlow", () => {
    const cache = Object.keys(createRequire(import.meta.url).cache);
    assert.equal(publishStage.usesTensorflow, false);
    assert.ok(!cache.some((k) => k.includes("@tensorflow")), "TensorFlow was loaded");
  });
});
