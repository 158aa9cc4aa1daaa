// The IDX format of MNIST-style data sets: a big-endian header (two zero
// bytes, a type code, the number of dimensions, then each dimension as a
// uint32) followed by the values in C order.
export const IDX_UBYTE = 0x08;

export interface IdxArray {
  shape: number[];
  /** A view on the values, without copying. */
  data: Uint8Array;
}

export interface IdxExpectation {
  /** What the file holds, for messages: "images" or "labels". */
  kind: string;
  /** Dimensions after the first (the item count); [] for labels. */
  itemShape: number[];
}

export class IdxError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = "IdxError";
  }
}

export function parseIdx(bytes: Uint8Array, file: string, expected: IdxExpectation): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4)
    throw new IdxError(file, `expected an IDX header, found only ${bytes.length} bytes`);
  const magic = view.getUint32(0);
  const rank = 1 + expected.itemShape.length;
  const wantedMagic = (IDX_UBYTE << 8) | rank;
  if (magic !== wantedMagic) {
    throw new IdxError(
      file,
      `expected magic ${hex(wantedMagic)} (unsigned bytes, ${rank} dimension${rank > 1 ? "s" : ""}) for ${expected.kind}, found ${hex(magic)}`,
    );
  }
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    throw new IdxError(
      file,
      `expected a ${headerLength}-byte header, found only ${bytes.length} bytes`,
    );
  }
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const itemShape = shape.slice(1);
  if (itemShape.join("x") !== expected.itemShape.join("x")) {
    throw new IdxError(
      file,
      `expected ${expected.kind} of ${expected.itemShape.join("x")}, found dimensions ${shape.join("x")}`,
    );
  }
  const values = shape.reduce((a, b) => a * b, 1);
  const found = bytes.length - headerLength;
  if (found !== values) {
    throw new IdxError(
      file,
      `header says ${shape.join("x")} = ${values} bytes of data, file has ${found} (${found < values ? "truncated" : "trailing bytes"})`,
    );
  }
  return { shape, data: bytes.subarray(headerLength) };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}
