// The per-epoch preview: the same latent points every epoch, a grid over
// standard normal quantiles (5% to 95%) of the first two dimensions, the
// others 0, decoded and tiled into one grayscale PNG.
import { encodePng, tileImages, unitToBytes } from "../data/png.ts";
import { evenlySpaced, normalQuantile } from "./manifold.ts";

export const PREVIEW_GRID = 10;

export function previewName(epoch: number): string {
  return `epoch-${String(epoch).padStart(3, "0")}.png`;
}

/** grid² points [n, latentDim], row-major; with one latent dimension, a line in reading order. */
export function previewLatents(latentDim: number, grid = PREVIEW_GRID): Float32Array {
  const axis = evenlySpaced(grid, 0.05, 0.95).map(normalQuantile);
  const z = new Float32Array(grid * grid * latentDim);
  if (latentDim === 1) {
    const line = evenlySpaced(grid * grid, 0.05, 0.95).map(normalQuantile);
    line.forEach((value, i) => {
      z[i] = value;
    });
    return z;
  }
  for (let row = 0; row < grid; row++) {
    for (let column = 0; column < grid; column++) {
      const cell = row * grid + column;
      z[cell * latentDim] = axis[column] as number;
      // Top row first, highest value first, so the picture reads like a plot.
      z[cell * latentDim + 1] = axis[grid - 1 - row] as number;
    }
  }
  return z;
}

/** Square images of `pixels` values in [0, 1] each, tiled `grid` wide. */
export function previewPng(images: Float32Array, pixels: number, grid = PREVIEW_GRID): Buffer {
  const side = Math.round(Math.sqrt(pixels));
  if (side * side !== pixels) throw new Error(`preview needs square images, got ${pixels} pixels`);
  const count = images.length / pixels;
  const tiled = tileImages(unitToBytes(images), count, side, grid);
  return encodePng(tiled.width, tiled.height, tiled.pixels);
}
