// NumPy .npy format, version 1.0: the magic "\x93NUMPY", a version, a
// little-endian uint16 header length and a Python dict literal padded with
// spaces to a multiple of 64 bytes, then the array in C order.
import fs from "node:fs/promises";

export type NpyDtype = "uint8" | "int32" | "float32";

const DESCR: Record<NpyDtype, string> = { uint8: "|u1", int32: "<i4", float32: "<f4" };
const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: Uint8Array | Int32Array | Float32Array;
}

export function npyHeader(dtype: NpyDtype, shape: readonly number[]): Buffer {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  const dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1;
  const padding = (64 - (unpadded % 64)) % 64;
  const text = `${dict}${" ".repeat(padding)}\n`;
  const header = Buffer.alloc(MAGIC.length + 4);
  MAGIC.copy(header);
  header[6] = 1;
  header[7] = 0;
  header.writeUInt16LE(text.length, 8);
  return Buffer.concat([header, Buffer.from(text, "latin1")]);
}

export function encodeNpy(array: NpyArray): Buffer {
  const body = Buffer.from(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  return Buffer.concat([npyHeader(array.dtype, array.shape), body]);
}

export function decodeNpy(bytes: Uint8Array, file = "array"): NpyArray {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buffer.subarray(0, 6).equals(MAGIC)) {
    throw new Error(`${file}: not a .npy file (bad magic)`);
  }
  const headerLength = buffer.readUInt16LE(8);
  const dict = buffer.subarray(10, 10 + headerLength).toString("latin1");
  const descr = /'descr':\s*'([^']+)'/.exec(dict)?.[1];
  const dtype = (Object.keys(DESCR) as NpyDtype[]).find((d) => DESCR[d] === descr);
  if (!dtype) throw new Error(`${file}: unsupported dtype ${descr}`);
  if (/'fortran_order':\s*True/.test(dict)) throw new Error(`${file}: Fortran order unsupported`);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(dict)?.[1] ?? "";
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const offset = 10 + headerLength;
  const count = shape.reduce((a, b) => a * b, 1);
  const body = buffer.subarray(offset);
  const copy = new Uint8Array(body.length);
  copy.set(body);
  const data =
    dtype === "uint8"
      ? copy
      : dtype === "int32"
        ? new Int32Array(copy.buffer, 0, count)
        : new Float32Array(copy.buffer, 0, count);
  if (data.length !== count) {
    throw new Error(`${file}: shape (${shape}) needs ${count} values, found ${data.length}`);
  }
  return { dtype, shape, data };
}

export async function readNpy(file: string): Promise<NpyArray> {
  return decodeNpy(await fs.readFile(file), file);
}
