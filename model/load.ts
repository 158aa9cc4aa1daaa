// Loads the encoder and decoder that the train stage saved as TensorFlow.js
// layers models, and checks their shapes against the VAE's contract:
// encoder [n, 784] -> [zMean, zLogVar] each [n, latentDim]; decoder
// [n, latentDim] -> [n, 784]. Loading this module loads TensorFlow only when
// a function here is called.
import fs from "node:fs/promises";
import path from "node:path";
import type { LayersModel, SymbolicTensor } from "@tensorflow/tfjs-node";
import { type BackendInfo, loadTensorflow, type TF } from "../engine/tensorflow.ts";

export const PIXELS = 28 * 28;

export interface LoadedEncoder {
  model: LayersModel;
  latentDim: number;
}

export interface LoadedDecoder {
  model: LayersModel;
  latentDim: number;
}

export function tensorflow(): { tf: TF; info: BackendInfo } {
  return loadTensorflow();
}

async function loadLayers(tf: TF, entryDir: string, name: string): Promise<LayersModel> {
  const file = path.resolve(entryDir, name, "model.json");
  try {
    await fs.access(file);
  } catch {
    throw new Error(`the train entry has no ${name}/model.json (looked in ${entryDir})`);
  }
  return tf.loadLayersModel(`file://${file}`);
}

function lastDim(tensor: SymbolicTensor | undefined): number | null | undefined {
  return tensor?.shape[tensor.shape.length - 1];
}

export async function loadEncoder(tf: TF, entryDir: string): Promise<LoadedEncoder> {
  const model = await loadLayers(tf, entryDir, "encoder");
  const [mean, logVar] = model.outputs;
  const latentDim = lastDim(mean);
  if (model.outputs.length < 2 || typeof latentDim !== "number" || lastDim(logVar) !== latentDim) {
    model.dispose();
    throw new Error(
      `encoder must have two outputs [zMean, zLogVar] of equal width, found ${model.outputs
        .map((o) => `[${o.shape.join(",")}]`)
        .join(" ")}`,
    );
  }
  if (lastDim(model.inputs[0]) !== PIXELS) {
    model.dispose();
    throw new Error(`encoder input must be [null, ${PIXELS}], found [${model.inputs[0]?.shape}]`);
  }
  return { model, latentDim };
}

export async function loadDecoder(tf: TF, entryDir: string): Promise<LoadedDecoder> {
  const model = await loadLayers(tf, entryDir, "decoder");
  const latentDim = lastDim(model.inputs[0]);
  if (typeof latentDim !== "number" || lastDim(model.outputs[0]) !== PIXELS) {
    model.dispose();
    throw new Error(
      `decoder must map [null, latentDim] to [null, ${PIXELS}], found [${model.inputs[0]?.shape}] -> [${model.outputs[0]?.shape}]`,
    );
  }
  return { model, latentDim };
}
