// publish: gathers the model, its metrics and figures in one directory with a
// self-contained index.html report. Byte copies and a report built only from
// its inputs: the same inputs publish the same bytes.
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { Entry, Stage } from "../engine/stage.ts";
import { collectReport } from "../publish/collect.ts";
import { copyIfPresent, copyTree, exists } from "../publish/files.ts";
import { buildReport } from "../publish/report.ts";

export const publishParams = z.strictObject({
  title: z.string().min(1).default("Mrs.Robot wardrobe"),
});

export type PublishParams = z.infer<typeof publishParams>;

function need(inputs: Record<string, Entry>, role: string): Entry {
  const entry = inputs[role];
  if (!entry) throw new Error(`publish needs the "${role}" input`);
  return entry;
}

export const publishStage: Stage<PublishParams> = {
  worker: "publish",
  version: 1,
  description: "model, metrics and figures with a self-contained HTML report",
  params: publishParams,
  inputs: { model: "train", metrics: "evaluate", figures: "render", dataset: "convert" },
  usesTensorflow: false,

  async run(context) {
    const model = need(context.inputs, "model");
    const metrics = need(context.inputs, "metrics");
    const figures = need(context.inputs, "figures");
    const dataset = context.inputs.dataset;
    const out = context.outDir;
    const log = context.log;

    for (const [entry, file] of [
      [model, "encoder/model.json"],
      [model, "decoder/model.json"],
      [metrics, "metrics.json"],
      [figures, "manifold.png"],
      [figures, "latent.png"],
    ] as const) {
      if (!(await exists(path.join(entry.dir, file)))) {
        throw new Error(`publish: the ${entry.stage} entry has no ${file}`);
      }
    }

    const copied: Record<string, number> = {};
    for (const dir of ["encoder", "decoder", "previews", "logs"]) {
      copied[dir] = (await copyTree(path.join(model.dir, dir), path.join(out, dir))).length;
    }
    if (copied.previews === 0) log.warn("the train entry has no previews/");
    if (copied.logs === 0) log.warn("the train entry has no logs/");
    if (
      !(await copyIfPresent(path.join(model.dir, "history.json"), path.join(out, "history.json")))
    ) {
      log.warn("the train entry has no history.json; the report has no loss curves");
    }
    await copyIfPresent(path.join(metrics.dir, "metrics.json"), path.join(out, "metrics.json"));
    for (const file of ["manifold.png", "latent.png", "manifold.json"]) {
      await copyIfPresent(path.join(figures.dir, file), path.join(out, file));
    }

    const report = await collectReport({
      title: context.params.title,
      dir: out,
      model,
      metrics,
      figures,
      dataset,
      publishParams: context.params,
    });
    const html = buildReport(report);
    await fs.writeFile(path.join(out, "index.html"), html);
    log.info(
      `published ${report.previews.length} previews, ${report.epochs.length} epochs; index.html ${Math.round(html.length / 1024)} KiB`,
    );
    context.describe({
      title: context.params.title,
      copied,
      epochs: report.epochs.length,
      previews: report.previews.length,
      checksums: report.checksums.length,
      indexBytes: Buffer.byteLength(html),
    });
  },
};

export default publishStage;
