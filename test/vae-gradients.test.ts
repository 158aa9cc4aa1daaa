// The hand-derived backward pass against tf.variableGrads of the same loss,
// written independently with tfjs ops, on tiny dimensions; and the native
// Adam kernel against the written-out formula.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Tensor, Variable } from "@tensorflow/tfjs-node";
import { loadTensorflow } from "../engine/tensorflow.ts";
import { createStore, freshState } from "../model/adam.ts";
import { makeKernels } from "../model/kernels.ts";
import {
  type Architecture,
  initialParams,
  type Named,
  PARAM_NAMES,
  paramShapes,
} from "../model/params.ts";
import { makeRandom } from "../model/rng.ts";
import { lossAndGradients, type ReconstructionLoss } from "../model/vae.ts";

const { tf } = loadTensorflow();
const arch: Architecture = { inputDim: 6, intermediateDim: 5, latentDim: 3 };
const batch = 7;

function fixture() {
  const random = makeRandom(7);
  const x = tf.tensor2d(
    Array.from({ length: batch * arch.inputDim }, () => random()),
    [batch, arch.inputDim],
  );
  const epsilon = tf.randomNormal([batch, arch.latentDim], 0, 1, "float32", 11);
  // Larger than the default init, so every ReLU sees both signs.
  const init = initialParams(arch, 3);
  const shapes = paramShapes(arch);
  const weights = {} as Named<Variable>;
  for (const name of PARAM_NAMES) {
    weights[name] = tf.variable(tf.mul(tf.tensor(init[name], shapes[name]), 2), true, `w-${name}`);
  }
  return { x, epsilon, weights };
}

/** The VAE loss summed over the batch, straight from its definition. */
function referenceLoss(
  w: Named<Tensor>,
  x: Tensor,
  epsilon: Tensor,
  loss: ReconstructionLoss,
): Tensor {
  const l = arch.latentDim;
  const hidden = tf.relu(tf.add(tf.matMul(x, w.encoderKernel), w.encoderBias));
  const heads = tf.add(tf.matMul(hidden, w.zKernel), w.zBias);
  const zMean = tf.slice(heads, [0, 0], [-1, l]);
  const zLogVar = tf.slice(heads, [0, l], [-1, l]);
  const z = tf.add(zMean, tf.mul(tf.exp(tf.mul(zLogVar, 0.5)), epsilon));
  const g = tf.relu(tf.add(tf.matMul(z, w.decoderKernel), w.decoderBias));
  const p = tf.sigmoid(tf.add(tf.matMul(g, w.outputKernel), w.outputBias));
  const reconstruction =
    loss === "bce"
      ? tf.neg(tf.sum(tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p))))))
      : tf.sum(tf.square(tf.sub(p, x)));
  const kl = tf.mul(
    -0.5,
    tf.sum(tf.sub(tf.sub(tf.add(1, zLogVar), tf.square(zMean)), tf.exp(zLogVar))),
  );
  return tf.add(reconstruction, kl);
}

function relativeError(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += ((actual[i] as number) - (expected[i] as number)) ** 2;
    norm += (expected[i] as number) ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-12);
}

for (const kernelsName of ["native", "portable"] as const) {
  for (const loss of ["bce", "mse"] as const) {
    test(`${kernelsName} kernels, ${loss}: hand-derived gradients match tf.variableGrads`, () => {
      const { x, epsilon, weights } = fixture();
      const kernels = makeKernels(tf, kernelsName);
      assert.equal(kernels.name, kernelsName);
      try {
        const reference = tf.variableGrads(
          () => referenceLoss(weights, x, epsilon, loss) as ReturnType<typeof tf.scalar>,
        );
        const mine = lossAndGradients(kernels, weights, x, epsilon, loss);
        const scalar = (t: Tensor) => t.dataSync()[0] as number;
        const total = scalar(mine.reconstruction) + scalar(mine.kl);
        const expectedLoss = scalar(reference.value);
        assert.ok(
          Math.abs(total - expectedLoss) <= 1e-5 * Math.abs(expectedLoss),
          `loss ${total} vs ${expectedLoss}`,
        );
        for (const name of PARAM_NAMES) {
          const expected = reference.grads[weights[name].name]?.dataSync() as Float32Array;
          const actual = mine.grads[name].dataSync() as Float32Array;
          assert.deepEqual(mine.grads[name].shape, weights[name].shape, name);
          const error = relativeError(actual, expected);
          assert.ok(error < 1e-4, `${name}: relative error ${error}`);
          assert.ok(
            expected.some((v) => v !== 0),
            `${name}: reference gradient is all zero`,
          );
        }
      } finally {
        kernels.dispose();
        tf.dispose([x, epsilon, ...Object.values(weights)]);
        tf.disposeVariables();
      }
    });
  }
}

test("ResourceApplyAdam and the written-out Adam give the same weights", () => {
  const adam = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
  const state = freshState(initialParams(arch, 5));
  const native = createStore(tf, arch, state, adam, "native");
  const portable = createStore(tf, arch, state, adam, "portable");
  assert.equal(native.kind, "resource-variables");
  assert.equal(portable.kind, "tf-variables");
  const shapes = paramShapes(arch);
  try {
    for (let step = 0; step < 5; step++) {
      const grads = {} as Named<Tensor>;
      for (const name of PARAM_NAMES) {
        grads[name] = tf.randomNormal(shapes[name], 0, 1, "float32", 100 + step);
      }
      native.applyAdam(grads);
      portable.applyAdam(grads);
      tf.dispose(Object.values(grads));
    }
    const a = native.snapshot();
    const b = portable.snapshot();
    assert.equal(a.step, 5);
    for (const name of PARAM_NAMES) {
      for (const group of ["weights", "m", "v"] as const) {
        const error = relativeError(a[group][name], b[group][name]);
        assert.ok(error < 1e-5, `${group}.${name}: relative error ${error}`);
      }
      assert.ok(relativeError(a.weights[name], state.weights[name]) > 1e-3, `${name} did not move`);
    }
  } finally {
    native.dispose();
    portable.dispose();
  }
});
