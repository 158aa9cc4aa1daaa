// Builds the self-contained index.html: images inline as data: URIs, charts
// as inline SVG, one inline stylesheet, no scripts and nothing fetched.
import { lineChart, type Series } from "./chart.ts";
import type { EpochRecord, ReportData, Summary } from "./collect.ts";
import {
  type CellInput,
  codeCell,
  escapeHtml,
  formatCount,
  formatNumber,
  numberCell,
  pngDataUri,
  table,
} from "./html.ts";
import { STYLE } from "./style.ts";

function stat(label: string, value: string, unit = ""): string {
  const small = unit ? `<small>${escapeHtml(unit)}</small>` : "";
  return `<div class="stat"><dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}${small}</dd></div>`;
}

function hero(data: ReportData): string {
  const epochs = data.epochs.length;
  const lede =
    `A variational autoencoder${data.latentDim ? ` with a ${data.latentDim}-dimensional latent space` : ""}` +
    `${epochs ? `, trained for ${epochs} epoch${epochs === 1 ? "" : "s"}` : ""}, ` +
    `evaluated on ${formatCount(data.test.images)} test images.`;
  return `<header class="hero"><div class="wrap">
<p class="eyebrow">Variational autoencoder · Fashion-MNIST</p>
<h1>${escapeHtml(data.title)}</h1>
<p class="lede">${escapeHtml(lede)}</p>
<dl class="stats">
${stat("Test loss (−ELBO)", formatNumber(data.test.loss), "nats")}
${stat("Reconstruction", formatNumber(data.test.reconstruction), "nats")}
${stat("KL divergence", formatNumber(data.test.kl), "nats")}
${stat("Test images", formatCount(data.test.images))}
${stat("Latent dimensions", data.latentDim === undefined ? "—" : String(data.latentDim))}
${stat("Epochs", String(epochs))}
</dl>
</div></header>`;
}

function section(id: string, title: string, note: string, body: string): string {
  const intro = note ? `<p class="note">${note}</p>` : "";
  return `<section class="card" id="${id}">\n<h2>${escapeHtml(title)}</h2>\n${intro}\n${body}\n</section>`;
}

function manifoldNote(info: Record<string, unknown>): string {
  const grid = typeof info.grid === "number" ? `${info.grid} × ${info.grid}` : "A grid of";
  const spacing =
    info.spacing === "linear"
      ? `evenly spaced latent values over ±${formatValueShort(info.range)}`
      : Array.isArray(info.probabilities) && info.probabilities.length > 0
        ? `standard normal quantiles of probabilities ${formatValueShort(info.probabilities[0])} to ${formatValueShort(info.probabilities[info.probabilities.length - 1])}`
        : "standard normal quantiles";
  const others =
    typeof info.latentDim === "number" && info.latentDim > 2
      ? ` The other ${info.latentDim - 2} latent dimensions are fixed at 0.`
      : "";
  return escapeHtml(
    `${grid} decoded images at ${spacing}: z[0] grows left to right, z[1] bottom to top.${others}`,
  );
}

function formatValueShort(value: unknown): string {
  return typeof value === "number" ? String(Number(value.toPrecision(4))) : "?";
}

function curves(epochs: EpochRecord[], train: keyof EpochRecord, test: keyof EpochRecord) {
  const points = (field: keyof EpochRecord) =>
    epochs.flatMap((e) =>
      e[field] === undefined ? [] : [[e.epoch, e[field]] as [number, number]],
    );
  const series: Series[] = [
    { name: "train", className: "train", points: points(train) },
    { name: "test", className: "test", points: points(test) },
  ];
  return series;
}

function training(epochs: EpochRecord[]): string {
  if (epochs.length === 0) return '<p class="note">No training history was published.</p>';
  const charts: Array<[string, keyof EpochRecord, keyof EpochRecord]> = [
    ["Loss (−ELBO)", "loss", "testLoss"],
    ["Reconstruction", "reconstruction", "testReconstruction"],
    ["KL divergence", "kl", "testKl"],
  ];
  const figures = charts
    .map(([title, train, test]) => {
      const svg = lineChart({ title, series: curves(epochs, train, test), xLabel: "epoch" });
      return `<figure><figcaption>${escapeHtml(title)}</figcaption>\n${svg}\n</figure>`;
    })
    .join("\n");
  const rows = epochs.map((e) => [
    numberCell(e.epoch, 0),
    numberCell(e.loss),
    numberCell(e.testLoss),
    numberCell(e.reconstruction),
    numberCell(e.testReconstruction),
    numberCell(e.kl),
    numberCell(e.testKl),
    numberCell(e.durationMs === undefined ? undefined : e.durationMs / 1000, 1),
    { html: formatCount(e.samplesPerSecond), className: "num" },
  ]);
  const head = [
    "Epoch",
    "Loss",
    "Test loss",
    "Recon.",
    "Test recon.",
    "KL",
    "Test KL",
    "Seconds",
    "Samples/s",
  ].map((h, i) => ({ html: escapeHtml(h), className: i === 0 ? undefined : "num" }));
  return `<div class="legend"><span class="train">train</span><span class="test">test</span></div>
<div class="charts">\n${figures}\n</div>
<details><summary>Per-epoch numbers</summary>\n${table(head, rows, { id: "history-table" })}\n</details>`;
}

function previews(data: ReportData): string {
  if (data.previews.length === 0) return '<p class="note">No previews were published.</p>';
  return `<div class="previews">\n${data.previews
    .map((p) => {
      const caption = p.epoch === null ? p.file : `Epoch ${p.epoch}`;
      return `<figure><img class="pixel" src="${pngDataUri(p.png)}" alt="${escapeHtml(`Preview: ${caption}`)}"><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
    })
    .join("\n")}\n</div>`;
}

function metricsTable(data: ReportData): string {
  const losses = data.perClass.map(([, s]) => s.loss ?? 0);
  const max = Math.max(1e-12, ...losses);
  const row = (name: string, s: Summary, total: boolean): CellInput[] => [
    total ? { html: `<strong>${escapeHtml(name)}</strong>` } : name,
    { html: formatCount(s.images), className: "num" },
    numberCell(s.loss),
    numberCell(s.reconstruction),
    numberCell(s.kl),
    {
      html: total
        ? ""
        : `<span style="width:${formatNumber(((s.loss ?? 0) / max) * 100, 1)}%"></span>`,
      className: "bar",
    },
  ];
  const head: CellInput[] = [
    "Class",
    { html: "Images", className: "num" },
    { html: "−ELBO", className: "num" },
    { html: "Reconstruction", className: "num" },
    { html: "KL", className: "num" },
    "",
  ];
  const rows = [
    row("All test images", data.test, true),
    ...data.perClass.map(([n, s]) => row(n, s, false)),
  ];
  return table(head, rows, { id: "metrics-table" }).replace(
    "<tr><td><strong>",
    '<tr class="total"><td><strong>',
  );
}

function paramsGrid(data: ReportData): string {
  return `<div class="params">\n${data.params
    .map((g) => {
      const rows =
        g.rows.length > 0
          ? g.rows.map(([k, v]) => [k, codeCell(v)])
          : [["—", "no params recorded"]];
      return `<div><h3>${escapeHtml(g.heading)}</h3>\n${table(["Name", "Value"], rows)}</div>`;
    })
    .join("\n")}\n</div>`;
}

function checksums(data: ReportData): string {
  if (data.checksums.length === 0) {
    return '<p class="note">The dataset entry records no checksums.</p>';
  }
  return table(
    ["What", "Checksum"],
    data.checksums.map(([what, sum]) => [what, codeCell(sum)]),
    {
      id: "checksums",
    },
  );
}

export function buildReport(data: ReportData): string {
  const nav = [
    ["manifold", "Manifold"],
    ["latent", "Latent space"],
    ["training", "Training"],
    ["previews", "Previews"],
    ["metrics", "Metrics"],
    ["params", "Parameters"],
    ["data", "Data"],
  ]
    .map(([id, label]) => `<a href="#${id}">${label}</a>`)
    .join("");
  const body = [
    section(
      "manifold",
      "Generative manifold",
      manifoldNote(data.manifold),
      `<figure class="plate"><img id="manifold-img" class="pixel" src="${pngDataUri(data.manifoldPng)}" alt="Images decoded from a grid of latent points"></figure>`,
    ),
    section(
      "latent",
      "Latent space",
      "Where the encoder puts each test image: the mean of q(z|x), first two dimensions, coloured by class.",
      `<figure class="plate"><img id="latent-img" src="${pngDataUri(data.latentPng)}" alt="Scatter of the test images' latent means by class"></figure>`,
    ),
    section(
      "training",
      "Training",
      "Loss per epoch on the training set (solid) and the test set (dashed), in nats per image.",
      training(data.epochs),
    ),
    section(
      "previews",
      "Previews",
      "The preview image the train stage saved after each epoch.",
      previews(data),
    ),
    section("metrics", "Test metrics", escapeHtml(data.convention ?? ""), metricsTable(data)),
    section(
      "params",
      "Parameters",
      "The settings of the stages this report was built from.",
      paramsGrid(data),
    ),
    section("data", "Data checksums", "Checksums recorded by the dataset entry.", checksums(data)),
  ].join("\n");
  const provenance = table(
    ["Input", "Entry", "Digest"],
    data.provenance.map(([role, entry, digest]) => [role, codeCell(entry), codeCell(digest)]),
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>${STYLE}</style>
</head>
<body>
${hero(data)}
<nav class="toc"><div class="wrap">${nav}</div></nav>
<main class="wrap">
${body}
</main>
<footer><div class="wrap">
<h3>Provenance</h3>
${provenance}
</div></footer>
</body>
</html>
`;
}
