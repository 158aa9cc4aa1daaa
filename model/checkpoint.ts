// One file holds a whole checkpoint: "MRVAECK1", a uint32 (little-endian)
// header length, the JSON header (caller's metadata, Adam step, array
// lengths), zero padding to a multiple of 4, then the float32 weights, Adam
// first and second moments, each in PARAM_NAMES order. It is written to a
// temporary name and renamed, so a killed process leaves the old file or the
// new one, never half of one.
import fs from "node:fs/promises";
import type { ParamState } from "./adam.ts";
import { type Named, PARAM_NAMES } from "./params.ts";

const MAGIC = Buffer.from("MRVAECK1", "latin1");
const GROUPS = ["weights", "m", "v"] as const;

interface Header<M> {
  meta: M;
  step: number;
  lengths: number[];
}

export async function saveCheckpoint<M>(file: string, meta: M, state: ParamState): Promise<void> {
  const arrays = GROUPS.flatMap((group) => PARAM_NAMES.map((name) => state[group][name]));
  const header: Header<M> = { meta, step: state.step, lengths: arrays.map((a) => a.length) };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const prefix = Buffer.alloc(MAGIC.length + 4);
  MAGIC.copy(prefix);
  prefix.writeUInt32LE(json.length, MAGIC.length);
  const padding = Buffer.alloc((4 - ((prefix.length + json.length) % 4)) % 4);
  const body = arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await fs.open(temp, "w");
  try {
    await handle.writev([prefix, json, padding, ...body]);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, file);
}

/** The checkpoint in `file`, or undefined when there is none. */
export async function loadCheckpoint<M>(
  file: string,
): Promise<{ meta: M; state: ParamState } | undefined> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error(`${file}: not a checkpoint`);
  const jsonLength = bytes.readUInt32LE(MAGIC.length);
  const jsonStart = MAGIC.length + 4;
  const header = JSON.parse(
    bytes.subarray(jsonStart, jsonStart + jsonLength).toString("utf8"),
  ) as Header<M>;
  let offset = jsonStart + jsonLength;
  offset += (4 - (offset % 4)) % 4;
  const expected = header.lengths.reduce((a, b) => a + b, 0) * 4;
  if (bytes.length - offset !== expected) {
    throw new Error(
      `${file}: expected ${expected} bytes of arrays, found ${bytes.length - offset}`,
    );
  }
  const state = { step: header.step } as ParamState;
  let index = 0;
  for (const group of GROUPS) {
    const values = {} as Named<Float32Array>;
    for (const name of PARAM_NAMES) {
      const length = header.lengths[index++] as number;
      values[name] = new Float32Array(
        bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + length * 4),
      );
      offset += length * 4;
    }
    state[group] = values;
  }
  return { meta: header.meta, state };
}
