// Small IDX files for tests: a big-endian header (two zero bytes, the type
// 0x08 for unsigned bytes, the number of dimensions, then each dimension as a
// uint32) followed by the data in C order.
const UBYTE = 0x08;

/** An IDX file of unsigned bytes with the given dimensions. */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Buffer {
  const expected = dims.reduce((product, dim) => product * dim, 1);
  if (data.length !== expected) {
    throw new Error(`IDX data has ${data.length} bytes, dims ${dims.join("x")} need ${expected}`);
  }
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE((UBYTE << 8) | dims.length, 0);
  dims.forEach((dim, i) => {
    header.writeUInt32BE(dim, 4 + 4 * i);
  });
  return Buffer.concat([header, data]);
}

export interface ImageOptions {
  rows?: number;
  cols?: number;
  /** The pixel value (0..255) at a position; a fixed pattern by default. */
  pixel?: (image: number, row: number, col: number) => number;
}

/** `count` images of rows x cols pixels: magic 0x00000803, dims count,rows,cols. */
export function idxImages(count: number, options: ImageOptions = {}): Buffer {
  const rows = options.rows ?? 28;
  const cols = options.cols ?? 28;
  const pixel = options.pixel ?? ((image, row, col) => (image * 37 + row * 11 + col * 5) & 0xff);
  const data = new Uint8Array(count * rows * cols);
  let offset = 0;
  for (let image = 0; image < count; image++) {
    for (let row = 0; row < rows; row++) {
      for (let col = 0; col < cols; col++) data[offset++] = pixel(image, row, col);
    }
  }
  return encodeIdx([count, rows, cols], data);
}

/** A label file: magic 0x00000801, dim count. */
export function idxLabels(labels: ArrayLike<number>): Buffer {
  return encodeIdx([labels.length], Uint8Array.from(labels));
}

/** 0, 1, ..., classes-1, 0, 1, ... for `count` examples. */
export function cyclingLabels(count: number, classes = 10): number[] {
  return Array.from({ length: count }, (_, i) => i % classes);
}
