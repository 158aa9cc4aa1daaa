// Reads the convert stage's arrays and uploads the images once, as float32
// pixels in [0, 1] with one row per image.
import path from "node:path";
import type { Tensor2D } from "@tensorflow/tfjs-node";
import { readNpy } from "../data/npy.ts";
import type { TF } from "../engine/tensorflow.ts";

export interface ImageSet {
  /** uint8 pixels, count·pixels of them. */
  bytes: Uint8Array;
  count: number;
  pixels: number;
}

export async function readImages(file: string, limit = 0): Promise<ImageSet> {
  const array = await readNpy(file);
  if (array.dtype !== "uint8" || array.shape.length < 2) {
    throw new Error(
      `${file}: expected uint8 images [N, H, W], found ${array.dtype} [${array.shape}]`,
    );
  }
  const total = array.shape[0] as number;
  const pixels = array.shape.slice(1).reduce((a, b) => a * b, 1);
  const count = limit > 0 ? Math.min(limit, total) : total;
  return { bytes: (array.data as Uint8Array).subarray(0, count * pixels), count, pixels };
}

export async function readDataset(
  dir: string,
  limit = 0,
): Promise<{ train: ImageSet; test: ImageSet }> {
  const train = await readImages(path.join(dir, "train-images.npy"), limit);
  const test = await readImages(path.join(dir, "test-images.npy"));
  if (train.count === 0) throw new Error(`${dir}: no training images`);
  if (test.pixels !== train.pixels) {
    throw new Error(`${dir}: test images have ${test.pixels} pixels, train ${train.pixels}`);
  }
  return { train, test };
}

/** [count, pixels] float32 in [0, 1]. */
export function uploadImages(tf: TF, set: ImageSet): Tensor2D {
  const values = new Float32Array(set.count * set.pixels);
  for (let i = 0; i < values.length; i++) values[i] = (set.bytes[i] as number) / 255;
  const images = tf.tensor2d(values, [set.count, set.pixels]);
  // tfjs-node copies the values into TensorFlow on first use; use it now, so
  // the JS copy can be collected before training allocates more.
  tf.slice(images, [0, 0], [1, 1]).dispose();
  return images;
}

export interface Images {
  train: Tensor2D;
  test: Tensor2D;
  pixels: number;
}

/** Reads and uploads both splits; the uint8 copies are dropped on return. */
export async function loadImages(tf: TF, dir: string, limit = 0): Promise<Images> {
  const { train, test } = await readDataset(dir, limit);
  const trainImages = uploadImages(tf, train);
  try {
    return { train: trainImages, test: uploadImages(tf, test), pixels: train.pixels };
  } catch (error) {
    trainImages.dispose();
    throw error;
  }
}
