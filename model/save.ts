// Writes the trained weights as two TensorFlow.js layers models built from
// standard layers only, so they load anywhere with tf.loadLayersModel:
//   encoder: [null, inputDim] → [zMean, zLogVar], each [null, latentDim]
//   decoder: [null, latentDim] → [null, inputDim], sigmoid
import path from "node:path";
import type { LayersModel } from "@tensorflow/tfjs-node";
import type { TF } from "../engine/tensorflow.ts";
import type { Architecture, Named } from "./params.ts";

export function buildEncoder(tf: TF, arch: Architecture): LayersModel {
  const input = tf.input({ shape: [arch.inputDim], name: "image" });
  const hidden = tf.layers
    .dense({ units: arch.intermediateDim, activation: "relu", name: "encoder_hidden" })
    .apply(input);
  const zMean = tf.layers.dense({ units: arch.latentDim, name: "z_mean" }).apply(hidden);
  const zLogVar = tf.layers.dense({ units: arch.latentDim, name: "z_log_var" }).apply(hidden);
  return tf.model({
    inputs: input,
    outputs: [zMean, zLogVar] as ReturnType<typeof tf.input>[],
    name: "encoder",
  });
}

export function buildDecoder(tf: TF, arch: Architecture): LayersModel {
  return tf.sequential({
    name: "decoder",
    layers: [
      tf.layers.dense({
        inputShape: [arch.latentDim],
        units: arch.intermediateDim,
        activation: "relu",
        name: "decoder_hidden",
      }),
      tf.layers.dense({ units: arch.inputDim, activation: "sigmoid", name: "decoder_output" }),
    ],
  });
}

/** Splits the fused head kernel [h, 2l] into the zMean and zLogVar kernels. */
function splitHeads(arch: Architecture, w: Named<Float32Array>) {
  const { intermediateDim: h, latentDim: l } = arch;
  const mean = new Float32Array(h * l);
  const logVar = new Float32Array(h * l);
  for (let row = 0; row < h; row++) {
    mean.set(w.zKernel.subarray(row * 2 * l, row * 2 * l + l), row * l);
    logVar.set(w.zKernel.subarray(row * 2 * l + l, (row + 1) * 2 * l), row * l);
  }
  return { mean, logVar, meanBias: w.zBias.slice(0, l), logVarBias: w.zBias.slice(l) };
}

export async function saveModels(
  tf: TF,
  arch: Architecture,
  weights: Named<Float32Array>,
  outDir: string,
): Promise<{ encoder: string; decoder: string }> {
  const { inputDim: d, intermediateDim: h, latentDim: l } = arch;
  const heads = splitHeads(arch, weights);
  const encoder = buildEncoder(tf, arch);
  const decoder = buildDecoder(tf, arch);
  const dirs = { encoder: path.join(outDir, "encoder"), decoder: path.join(outDir, "decoder") };
  try {
    tf.tidy(() => {
      encoder.setWeights([
        tf.tensor2d(weights.encoderKernel, [d, h]),
        tf.tensor1d(weights.encoderBias),
        tf.tensor2d(heads.mean, [h, l]),
        tf.tensor1d(heads.meanBias),
        tf.tensor2d(heads.logVar, [h, l]),
        tf.tensor1d(heads.logVarBias),
      ]);
      decoder.setWeights([
        tf.tensor2d(weights.decoderKernel, [l, h]),
        tf.tensor1d(weights.decoderBias),
        tf.tensor2d(weights.outputKernel, [h, d]),
        tf.tensor1d(weights.outputBias),
      ]);
    });
    await encoder.save(`file://${dirs.encoder}`);
    await decoder.save(`file://${dirs.decoder}`);
  } finally {
    encoder.dispose();
    decoder.dispose();
  }
  return dirs;
}

/** Loads a model saved by saveModels, e.g. loadSaved(tf, entryDir, "decoder"). */
export function loadSaved(tf: TF, dir: string, name: "encoder" | "decoder"): Promise<LayersModel> {
  return tf.loadLayersModel(`file://${path.join(dir, name, "model.json")}`);
}
