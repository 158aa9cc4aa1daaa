// A scatter plot of 2-D points coloured by class, drawn into an RGB raster:
// title, framed plot area with gridlines and tick labels, axis labels and a
// legend naming every class.
import { CAP_HEIGHT, drawText, textWidth } from "./font.ts";
import { type Box, hexColor, Raster, type Rgb } from "./raster.ts";
import { formatTick, niceTicks } from "./ticks.ts";

/** Ten distinguishable class colours. */
export const CLASS_COLORS: readonly Rgb[] = [
  "#2f6fb0",
  "#f08a24",
  "#3a9a4a",
  "#d1383d",
  "#8c62b8",
  "#8a5a44",
  "#dd6fb6",
  "#6f6f6f",
  "#b5b21e",
  "#1fb3c4",
].map(hexColor);

const INK: Rgb = [34, 38, 46];
const MUTED: Rgb = [96, 104, 118];
const GRID: Rgb = [228, 231, 236];

export interface ScatterOptions {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  /** Class index of each point, into `classNames`. */
  classes: ArrayLike<number>;
  classNames: readonly string[];
  width?: number;
  height?: number;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Dot radius in pixels and opacity; the defaults depend on the number of points. */
  radius?: number;
  alpha?: number;
}

function extent(values: ArrayLike<number>): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? [min, max] : [-1, 1];
}

export function renderScatter(options: ScatterOptions): Raster {
  const width = options.width ?? 800;
  const height = options.height ?? 640;
  const scale = 2;
  const raster = new Raster(width, height);
  const legendWidth = 24 + Math.max(...options.classNames.map((n) => textWidth(n, scale)));
  const plot: Box = { x: 84, y: 52, w: width - 84 - legendWidth - 40, h: height - 52 - 72 };

  if (options.title) drawText(raster, options.title, plot.x, 16, { scale, color: INK });

  const xTicks = niceTicks(...extent(options.xs), 6);
  const yTicks = niceTicks(...extent(options.ys), 6);
  const px = (v: number) => plot.x + ((v - xTicks.low) / (xTicks.high - xTicks.low)) * (plot.w - 1);
  const py = (v: number) =>
    plot.y + plot.h - 1 - ((v - yTicks.low) / (yTicks.high - yTicks.low)) * (plot.h - 1);

  for (const v of xTicks.values) {
    const x = Math.round(px(v));
    raster.vline(x, plot.y, plot.y + plot.h - 1, GRID);
    raster.vline(x, plot.y + plot.h, plot.y + plot.h + 5, MUTED);
    drawText(raster, formatTick(v, xTicks.decimals), x, plot.y + plot.h + 12, {
      scale,
      color: MUTED,
      align: "center",
    });
  }
  for (const v of yTicks.values) {
    const y = Math.round(py(v));
    raster.hline(plot.x, plot.x + plot.w - 1, y, GRID);
    raster.hline(plot.x - 6, plot.x - 1, y, MUTED);
    drawText(raster, formatTick(v, yTicks.decimals), plot.x - 12, y - CAP_HEIGHT, {
      scale,
      color: MUTED,
      align: "right",
    });
  }

  // Bigger, more opaque dots when there are few enough not to hide each other.
  const sparse = options.xs.length <= 2000;
  const radius = options.radius ?? (sparse ? 2.6 : 1.8);
  const alpha = options.alpha ?? (sparse ? 0.8 : 0.55);
  for (let i = 0; i < options.xs.length; i++) {
    const x = options.xs[i] as number;
    const y = options.ys[i] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const color = CLASS_COLORS[(options.classes[i] as number) % CLASS_COLORS.length] as Rgb;
    raster.disc(px(x) + 0.5, py(y) + 0.5, radius, color, alpha, plot);
  }
  raster.strokeRect(plot.x - 1, plot.y - 1, plot.w + 2, plot.h + 2, MUTED);

  if (options.xLabel) {
    drawText(raster, options.xLabel, plot.x + plot.w / 2, height - 26, {
      scale,
      color: INK,
      align: "center",
    });
  }
  if (options.yLabel) {
    drawText(raster, options.yLabel, 16, plot.y + plot.h / 2, {
      scale,
      color: INK,
      align: "center",
      vertical: true,
    });
  }

  const legendX = plot.x + plot.w + 28;
  const rowHeight = 28;
  const legendTop = plot.y + Math.max(0, (plot.h - rowHeight * options.classNames.length) / 2);
  options.classNames.forEach((name, index) => {
    const y = legendTop + index * rowHeight;
    const color = CLASS_COLORS[index % CLASS_COLORS.length] as Rgb;
    raster.disc(legendX + 6, y + 7, 6, color, 1);
    drawText(raster, name, legendX + 20, y, { scale, color: INK });
  });
  return raster;
}
