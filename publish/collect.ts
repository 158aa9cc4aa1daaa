// Gathers what the report shows from the published copies and the upstream
// manifests, tolerating missing or extra fields: a report with a gap beats no
// report.
import fs from "node:fs/promises";
import path from "node:path";
import type { Entry, Manifest } from "../engine/stage.ts";
import { listFiles } from "./files.ts";
import { compareText, formatCount, formatValue } from "./html.ts";

export interface Summary {
  loss?: number;
  reconstruction?: number;
  kl?: number;
  images?: number;
}

export interface EpochRecord {
  epoch: number;
  loss?: number;
  reconstruction?: number;
  kl?: number;
  testLoss?: number;
  testReconstruction?: number;
  testKl?: number;
  durationMs?: number;
  samplesPerSecond?: number;
}

export interface Preview {
  file: string;
  epoch: number | null;
  png: Buffer;
}

export interface ParamGroup {
  heading: string;
  rows: Array<[string, string]>;
}

export interface ReportData {
  title: string;
  convention?: string;
  test: Summary;
  perClass: Array<[string, Summary]>;
  latentDim?: number;
  epochs: EpochRecord[];
  manifoldPng: Buffer;
  manifold: Record<string, unknown>;
  latentPng: Buffer;
  previews: Preview[];
  params: ParamGroup[];
  checksums: Array<[string, string]>;
  provenance: Array<[string, string, string]>;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

function summary(value: unknown): Summary {
  const r = record(value);
  return {
    loss: num(r.loss),
    reconstruction: num(r.reconstruction),
    kl: num(r.kl),
    images: num(r.images),
  };
}

/** Epochs from `{ epochs: [...] }`, or from a bare array of epochs. */
function epochs(history: unknown): EpochRecord[] {
  const list = Array.isArray(history) ? history : record(history).epochs;
  if (!Array.isArray(list)) return [];
  const fields = [
    "loss",
    "reconstruction",
    "kl",
    "testLoss",
    "testReconstruction",
    "testKl",
    "durationMs",
    "samplesPerSecond",
  ] as const;
  return list
    .map((item, index) => {
      const r = record(item);
      const out: EpochRecord = { epoch: num(r.epoch) ?? index + 1 };
      for (const field of fields) out[field] = num(r[field]);
      return out;
    })
    .sort((a, b) => a.epoch - b.epoch);
}

/** Scalar leaves of a nested object as (dotted path, text), sorted by path. */
export function flatten(value: unknown, prefix = ""): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!value || typeof value !== "object") return out;
  const visit = (v: unknown, at: string) => {
    const short = Array.isArray(v) && v.length <= 8 && v.every((x) => typeof x !== "object");
    if (v && typeof v === "object" && !short) {
      if (Array.isArray(v)) out.push([at, `[${v.length} items]`]);
      else for (const [k, inner] of Object.entries(v)) visit(inner, at ? `${at}.${k}` : k);
    } else {
      out.push([at, formatValue(v)]);
    }
  };
  visit(value, prefix);
  return out.sort((a, b) => compareText(a[0], b[0]));
}

const CHECKSUM_KEY = /sha|checksum|digest|md5|hash/i;
const HEX = /^(sha\d*[-:])?[0-9a-f]{32,}$/i;

/** Whatever the dataset entry records about the data's checksums. */
export function datasetChecksums(manifest: Partial<Manifest> | undefined): Array<[string, string]> {
  if (!manifest) return [];
  const rows: Array<[string, string]> = [];
  const inputs = Object.entries(record(manifest.inputs)).sort((a, b) => compareText(a[0], b[0]));
  for (const [role, input] of inputs) {
    const digest = record(input).digest;
    if (typeof digest === "string")
      rows.push([`input ${role} (${record(input).stage ?? "?"})`, digest]);
  }
  for (const [key, value] of flatten(manifest.details)) {
    if (CHECKSUM_KEY.test(key) || HEX.test(value)) rows.push([`details.${key}`, value]);
  }
  const files = Array.isArray(manifest.files) ? [...manifest.files] : [];
  files.sort((a, b) => compareText(String(a?.path), String(b?.path)));
  for (const file of files) {
    if (typeof file?.path === "string" && typeof file.sha256 === "string") {
      rows.push([`${file.path} (${formatCount(file.size)} bytes)`, file.sha256]);
    }
  }
  if (typeof manifest.digest === "string") rows.push(["dataset entry digest", manifest.digest]);
  return rows;
}

export interface CollectInputs {
  title: string;
  dir: string;
  model: Entry;
  metrics: Entry;
  figures: Entry;
  dataset?: Entry;
  publishParams: unknown;
}

export async function collectReport(inputs: CollectInputs): Promise<ReportData> {
  const { dir } = inputs;
  const metrics = record(await readJson(path.join(dir, "metrics.json")));
  const perClass = Object.entries(record(metrics.perClass)).map(
    ([name, value]) => [name, summary(value)] as [string, Summary],
  );
  const previews: Preview[] = [];
  for (const file of await listFiles(path.join(dir, "previews"))) {
    if (!file.toLowerCase().endsWith(".png")) continue;
    const match = /(\d+)\D*$/.exec(file);
    const png = await fs.readFile(path.join(dir, "previews", ...file.split("/")));
    previews.push({ file, epoch: match ? Number(match[1]) : null, png });
  }
  const group = (heading: string, params: unknown): ParamGroup => ({
    heading,
    rows: flatten(params),
  });
  const trainDetails = flatten(inputs.model.manifest.details);
  const roles: Array<[string, Entry | undefined]> = [
    ["dataset", inputs.dataset],
    ["model", inputs.model],
    ["metrics", inputs.metrics],
    ["figures", inputs.figures],
  ];
  return {
    title: inputs.title,
    convention: typeof metrics.convention === "string" ? metrics.convention : undefined,
    test: summary(metrics.test),
    perClass,
    latentDim: num(metrics.latentDim) ?? num(record(inputs.model.manifest.params).latentDim),
    epochs: epochs(await readJson(path.join(dir, "history.json"))),
    manifoldPng: await fs.readFile(path.join(dir, "manifold.png")),
    manifold: record(await readJson(path.join(dir, "manifold.json"))),
    latentPng: await fs.readFile(path.join(dir, "latent.png")),
    previews,
    params: [
      group(`Train (${inputs.model.stage})`, inputs.model.manifest.params),
      ...(trainDetails.length > 0 ? [{ heading: "Train details", rows: trainDetails }] : []),
      group(`Evaluate (${inputs.metrics.stage})`, inputs.metrics.manifest.params),
      group(`Render (${inputs.figures.stage})`, inputs.figures.manifest.params),
      group("Publish", inputs.publishParams),
    ],
    checksums: datasetChecksums(inputs.dataset?.manifest),
    provenance: roles.flatMap(([role, entry]) =>
      entry ? [[role, `${entry.stage} ${entry.key}`, entry.manifest.digest ?? "—"]] : [],
    ) as Array<[string, string, string]>,
  };
}
