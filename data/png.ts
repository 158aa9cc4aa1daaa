// A minimal PNG encoder (8-bit grayscale or RGB, no interlace) for images the
// pipeline draws itself; pixels are given as bytes, so nothing wraps.
import zlib from "node:zlib";

export type PngColor = "gray" | "rgb";

const CHANNELS: Record<PngColor, number> = { gray: 1, rgb: 3 };
const COLOR_TYPE: Record<PngColor, number> = { gray: 0, rgb: 2 };
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function encodePng(
  width: number,
  height: number,
  pixels: Uint8Array,
  color: PngColor = "gray",
): Buffer {
  const channels = CHANNELS[color];
  const stride = width * channels;
  if (pixels.length !== stride * height) {
    throw new Error(
      `encodePng: expected ${stride * height} bytes for ${width}x${height} ${color}, got ${pixels.length}`,
    );
  }
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = COLOR_TYPE[color];
  return Buffer.concat([
    SIGNATURE,
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Converts values in [0, 1] to bytes, clipping and rounding. */
export function unitToBytes(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.round((values[i] as number) * 255);
    bytes[i] = Math.min(255, Math.max(0, v));
  }
  return bytes;
}

/**
 * Lays `count` square images of `cell`x`cell` bytes, stored one after another,
 * into a grid `columns` wide.
 */
export function tileImages(
  images: Uint8Array,
  count: number,
  cell: number,
  columns: number,
): {
  width: number;
  height: number;
  pixels: Uint8Array;
} {
  const rows = Math.ceil(count / columns);
  const width = columns * cell;
  const height = rows * cell;
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < count; i++) {
    const x0 = (i % columns) * cell;
    const y0 = Math.floor(i / columns) * cell;
    for (let y = 0; y < cell; y++) {
      const from = i * cell * cell + y * cell;
      pixels.set(images.subarray(from, from + cell), (y0 + y) * width + x0);
    }
  }
  return { width, height, pixels };
}

export function pngSize(png: Uint8Array): { width: number; height: number } {
  const buffer = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (!buffer.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG file");
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}
