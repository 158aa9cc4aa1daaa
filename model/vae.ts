// The VAE of the tfjs fashion-mnist-vae example, its loss, and a backward
// pass derived by hand for this fixed architecture:
//
//   hidden = relu(x·We + be)                 encoder, intermediateDim units
//   [zMean | zLogVar] = hidden·Wz + bz       the two heads, latentDim each
//   std = exp(zLogVar/2),  z = zMean + std·ε
//   g = relu(z·Wd + bd)                      decoder, intermediateDim units
//   logits = g·Wo + bo,  x̂ = sigmoid(logits)
//
// Losses are sums over the batch (the caller divides by the batch size):
//   reconstruction  BCE: Σ softplus(logits) − x·logits   (= −Σ x·log x̂ + (1−x)·log(1−x̂))
//                   MSE: Σ (x̂ − x)²
//   kl = −½ Σ (1 + zLogVar − zMean² − std²)
import type { Tensor } from "@tensorflow/tfjs-node";
import type { Kernels } from "./kernels.ts";
import type { Named } from "./params.ts";

export type Weights = Named<Tensor>;
export type ReconstructionLoss = "bce" | "mse";

export interface Encoded {
  hidden: Tensor;
  zMean: Tensor;
  zLogVar: Tensor;
}

export function encode(k: Kernels, w: Weights, x: Tensor): Encoded {
  const hidden = k.relu(k.biasAdd(k.matMul(x, w.encoderKernel), w.encoderBias));
  const [zMean, zLogVar] = k.halves(k.biasAdd(k.matMul(hidden, w.zKernel), w.zBias));
  return { hidden, zMean, zLogVar };
}

export function decoderHidden(k: Kernels, w: Weights, z: Tensor): Tensor {
  return k.relu(k.biasAdd(k.matMul(z, w.decoderKernel), w.decoderBias));
}

export function decoderLogits(k: Kernels, w: Weights, g: Tensor): Tensor {
  return k.biasAdd(k.matMul(g, w.outputKernel), w.outputBias);
}

/** Images in [0, 1] for latent points z. */
export function decode(k: Kernels, w: Weights, z: Tensor): Tensor {
  return k.sigmoid(decoderLogits(k, w, decoderHidden(k, w, z)));
}

interface Forward extends Encoded {
  std: Tensor;
  /** std·ε, the sampled offset from zMean. */
  noise: Tensor;
  z: Tensor;
  g: Tensor;
  logits: Tensor;
  xHat: Tensor;
}

function forward(k: Kernels, w: Weights, x: Tensor, epsilon: Tensor): Forward {
  const encoded = encode(k, w, x);
  const std = k.exp(k.mul(encoded.zLogVar, k.constant(0.5)));
  const noise = k.mul(std, epsilon);
  const z = k.add(encoded.zMean, noise);
  const g = decoderHidden(k, w, z);
  const logits = decoderLogits(k, w, g);
  return { ...encoded, std, noise, z, g, logits, xHat: k.sigmoid(logits) };
}

export interface LossTerms {
  /** Scalar: reconstruction loss summed over the batch. */
  reconstruction: Tensor;
  /** Scalar: KL divergence summed over the batch. */
  kl: Tensor;
}

function lossTermsOf(
  k: Kernels,
  f: Forward,
  x: Tensor,
  loss: ReconstructionLoss,
  stdSquared: Tensor,
): LossTerms {
  const reconstruction =
    loss === "bce"
      ? k.sub(k.sum(k.softplus(f.logits)), k.dot(x, f.logits))
      : k.sum(k.square(k.sub(f.xHat, x)));
  const count = f.zMean.shape[0] * (f.zMean.shape[1] as number);
  const spread = k.sum(k.sub(k.add(k.square(f.zMean), stdSquared), f.zLogVar));
  const kl = k.mul(k.sub(spread, k.constant(count)), k.constant(0.5));
  return { reconstruction, kl };
}

/** Forward pass and loss, no gradients: for evaluation. */
export function lossTerms(
  k: Kernels,
  w: Weights,
  x: Tensor,
  epsilon: Tensor,
  loss: ReconstructionLoss,
): LossTerms {
  const f = forward(k, w, x, epsilon);
  return lossTermsOf(k, f, x, loss, k.square(f.std));
}

export interface StepGradients extends LossTerms {
  /** ∂(reconstruction + kl)/∂w, both summed over the batch. */
  grads: Weights;
}

/** Loss terms and their gradients, by the chain rule written out below. */
export function lossAndGradients(
  k: Kernels,
  w: Weights,
  x: Tensor,
  epsilon: Tensor,
  loss: ReconstructionLoss,
): StepGradients {
  const f = forward(k, w, x, epsilon);
  const stdSquared = k.square(f.std);
  const terms = lossTermsOf(k, f, x, loss, stdSquared);

  // BCE with a sigmoid output: ∂/∂logits = x̂ − x. MSE: 2(x̂ − x)·x̂(1 − x̂).
  const residual = k.sub(f.xHat, x);
  const dLogits = loss === "bce" ? residual : k.sigmoidGrad(f.xHat, k.add(residual, residual));
  const dG = k.matMul(dLogits, w.outputKernel, false, true);
  const dDecoder = k.reluGrad(dG, f.g);
  const dZ = k.matMul(dDecoder, w.decoderKernel, false, true);

  // z = zMean + exp(zLogVar/2)·ε, so ∂z/∂zMean = 1 and ∂z/∂zLogVar = noise/2;
  // the KL adds ∂/∂zMean = zMean and ∂/∂zLogVar = (std² − 1)/2.
  const dZMean = k.add(dZ, f.zMean);
  const dZLogVar = k.mul(
    k.sub(k.add(k.mul(dZ, f.noise), stdSquared), k.constant(1)),
    k.constant(0.5),
  );
  const dHeads = k.joinColumns(dZMean, dZLogVar);
  const dHidden = k.matMul(dHeads, w.zKernel, false, true);
  const dEncoder = k.reluGrad(dHidden, f.hidden);

  const grads: Weights = {
    encoderKernel: k.matMul(x, dEncoder, true, false),
    encoderBias: k.columnSums(dEncoder),
    zKernel: k.matMul(f.hidden, dHeads, true, false),
    zBias: k.columnSums(dHeads),
    decoderKernel: k.matMul(f.z, dDecoder, true, false),
    decoderBias: k.columnSums(dDecoder),
    outputKernel: k.matMul(f.g, dLogits, true, false),
    outputBias: k.columnSums(dLogits),
  };
  return { ...terms, grads };
}
