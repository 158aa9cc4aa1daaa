// An RGB pixel buffer with the few drawing operations the figures need:
// rectangles, lines along the axes and soft dots, all alpha-blended.
import { encodePng } from "../data/png.ts";

export type Rgb = readonly [number, number, number];

export function hexColor(hex: string): Rgb {
  const value = Number.parseInt(hex.replace("#", ""), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

export class Raster {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) this.pixels.set(background, i * 3);
  }

  /** Mixes `color` into one pixel with opacity `alpha`; outside pixels are ignored. */
  blend(x: number, y: number, color: Rgb, alpha = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || alpha <= 0) return;
    const i = (y * this.width + x) * 3;
    const a = Math.min(alpha, 1);
    for (let c = 0; c < 3; c++) {
      const old = this.pixels[i + c] as number;
      this.pixels[i + c] = Math.round(old + ((color[c] as number) - old) * a);
    }
  }

  fillRect(x: number, y: number, width: number, height: number, color: Rgb, alpha = 1): void {
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + height); yy++) {
      for (let xx = Math.max(0, x); xx < Math.min(this.width, x + width); xx++) {
        this.blend(xx, yy, color, alpha);
      }
    }
  }

  hline(x0: number, x1: number, y: number, color: Rgb, alpha = 1): void {
    this.fillRect(Math.min(x0, x1), y, Math.abs(x1 - x0) + 1, 1, color, alpha);
  }

  vline(x: number, y0: number, y1: number, color: Rgb, alpha = 1): void {
    this.fillRect(x, Math.min(y0, y1), 1, Math.abs(y1 - y0) + 1, color, alpha);
  }

  /** An outlined rectangle, one pixel wide, inside the given box. */
  strokeRect(x: number, y: number, width: number, height: number, color: Rgb): void {
    this.hline(x, x + width - 1, y, color);
    this.hline(x, x + width - 1, y + height - 1, color);
    this.vline(x, y, y + height - 1, color);
    this.vline(x + width - 1, y, y + height - 1, color);
  }

  /**
   * A filled disc centred on (cx, cy), with its edge anti-aliased by the
   * covered fraction of each pixel (4x4 supersampling), clipped to `clip`.
   */
  disc(cx: number, cy: number, radius: number, color: Rgb, alpha: number, clip?: Box): void {
    const x0 = Math.floor(cx - radius);
    const x1 = Math.ceil(cx + radius);
    const y0 = Math.floor(cy - radius);
    const y1 = Math.ceil(cy + radius);
    const r2 = radius * radius;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        if (clip && (x < clip.x || y < clip.y || x >= clip.x + clip.w || y >= clip.y + clip.h)) {
          continue;
        }
        let covered = 0;
        for (let sy = 0; sy < 4; sy++) {
          for (let sx = 0; sx < 4; sx++) {
            const dx = x + (sx + 0.5) / 4 - cx;
            const dy = y + (sy + 0.5) / 4 - cy;
            if (dx * dx + dy * dy <= r2) covered++;
          }
        }
        if (covered > 0) this.blend(x, y, color, (alpha * covered) / 16);
      }
    }
  }

  toPng(): Buffer {
    return encodePng(this.width, this.height, this.pixels, "rgb");
  }
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
