// A small inline-SVG line chart (per-epoch curves), styled by the page's CSS
// through class names; every number is written with fixed decimals so the
// same history always gives the same bytes.
import { formatTick, niceTicks } from "../plot/ticks.ts";
import { escapeHtml, formatNumber } from "./html.ts";

export interface Series {
  name: string;
  /** A CSS class giving the stroke colour, e.g. "train" or "test". */
  className: string;
  points: Array<[number, number]>;
}

export interface ChartOptions {
  title: string;
  series: Series[];
  width?: number;
  height?: number;
  xLabel?: string;
}

const MARGIN = { left: 50, right: 12, top: 12, bottom: 38 };

function fixed(value: number): string {
  return formatNumber(value, 1);
}

export function lineChart(options: ChartOptions): string {
  const width = options.width ?? 320;
  const height = options.height ?? 216;
  const series = options.series.filter((s) => s.points.length > 0);
  const xs = series.flatMap((s) => s.points.map(([x]) => x));
  const ys = series.flatMap((s) => s.points.map(([, y]) => y));
  const label = escapeHtml(options.title);
  const open = `<svg class="loss-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${label}">`;
  if (xs.length === 0) {
    return `${open}<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">no data</text></svg>`;
  }

  let xMin = Math.min(...xs);
  let xMax = Math.max(...xs);
  if (xMax === xMin) {
    xMin -= 1;
    xMax += 1;
  }
  const xTicks = niceTicks(xMin, xMax, 6).values.filter(
    (v) => Number.isInteger(v) && v >= xMin && v <= xMax,
  );
  const yTicks = niceTicks(Math.min(...ys), Math.max(...ys), 5);
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const px = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const py = (y: number) =>
    MARGIN.top + plotH - ((y - yTicks.low) / (yTicks.high - yTicks.low)) * plotH;

  const parts: string[] = [open, `<title>${label}</title>`];
  for (const v of yTicks.values) {
    const y = fixed(py(v));
    parts.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}"/>`,
      `<text class="tick" x="${MARGIN.left - 8}" y="${y}" dy="0.32em" text-anchor="end">${formatTick(v, yTicks.decimals)}</text>`,
    );
  }
  const bottom = MARGIN.top + plotH;
  for (const v of xTicks) {
    const x = fixed(px(v));
    parts.push(
      `<line class="axis" x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 5}"/>`,
      `<text class="tick" x="${x}" y="${bottom + 18}" text-anchor="middle">${v}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${bottom}" y2="${bottom}"/>`,
  );
  if (options.xLabel) {
    parts.push(
      `<text class="label" x="${MARGIN.left + plotW / 2}" y="${height - 4}" text-anchor="middle">${escapeHtml(options.xLabel)}</text>`,
    );
  }
  for (const s of series) {
    const d = s.points
      .map(([x, y], i) => `${i === 0 ? "M" : "L"}${fixed(px(x))} ${fixed(py(y))}`)
      .join(" ");
    parts.push(`<g class="series ${s.className}">`, `<path d="${d}"/>`);
    for (const [x, y] of s.points) {
      parts.push(
        `<circle cx="${fixed(px(x))}" cy="${fixed(py(y))}" r="2.5"><title>${escapeHtml(s.name)}, epoch ${x}: ${formatNumber(y, 2)}</title></circle>`,
      );
    }
    parts.push("</g>");
  }
  parts.push("</svg>");
  return parts.join("\n");
}
