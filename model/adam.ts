// Weights and Adam moments. On the native backend they live in TensorFlow
// resource variables updated in place by one ResourceApplyAdam op each; on
// other backends in tf.Variables updated by the same formula written out.
// The formula is TensorFlow's ApplyAdam:
//   m ← m + (g − m)(1 − β1),  v ← v + (g² − v)(1 − β2)
//   w ← w − lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m/(√v + ε)
import type { Tensor, Variable } from "@tensorflow/tfjs-node";
import type { TF } from "../engine/tensorflow.ts";
import { type NodeBackend, nodeBackendOf } from "./kernels.ts";
import { type Architecture, type Named, PARAM_NAMES, paramShapes } from "./params.ts";

export interface AdamConfig {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export interface ParamState {
  /** Adam steps taken so far. */
  step: number;
  weights: Named<Float32Array>;
  m: Named<Float32Array>;
  v: Named<Float32Array>;
}

export interface ParamStore {
  readonly kind: "resource-variables" | "tf-variables";
  readonly step: number;
  /** The current weights; release them (tidy) before applyAdam, or it copies. */
  read(): Named<Tensor>;
  applyAdam(grads: Named<Tensor>): void;
  snapshot(): ParamState;
  dispose(): void;
}

export function freshState(weights: Named<Float32Array>): ParamState {
  const zeros = () => {
    const out = {} as Named<Float32Array>;
    for (const name of PARAM_NAMES) out[name] = new Float32Array(weights[name].length);
    return out;
  };
  return { step: 0, weights, m: zeros(), v: zeros() };
}

export function createStore(
  tf: TF,
  arch: Architecture,
  state: ParamState,
  adam: AdamConfig,
  prefer: "native" | "portable" = "native",
): ParamStore {
  const backend = prefer === "native" ? nodeBackendOf(tf) : undefined;
  return backend
    ? resourceStore(tf, backend, arch, state, adam)
    : variableStore(tf, arch, state, adam);
}

// TensorFlow's ResourceHandle::ANONYMOUS_NAME: the variable lives as long as its handle.
const ANONYMOUS = "cd2c89b7-88b7-44c8-ad83-06c2a9158347";

function resourceStore(
  tf: TF,
  backend: NodeBackend,
  arch: Architecture,
  state: ParamState,
  adam: AdamConfig,
): ParamStore {
  const b = backend.binding;
  const dtype = { name: "dtype", type: b.TF_ATTR_TYPE, value: b.TF_FLOAT };
  const shapes = paramShapes(arch);
  const create = (shape: number[], values: Float32Array): Tensor => {
    const handle = backend.executeSingleOutput(
      "VarHandleOp",
      [
        { name: "container", type: b.TF_ATTR_STRING, value: "" },
        { name: "shared_name", type: b.TF_ATTR_STRING, value: ANONYMOUS },
        dtype,
        { name: "shape", type: b.TF_ATTR_SHAPE, value: shape },
      ],
      [],
    );
    tf.tidy(() => {
      backend.executeMultipleOutputs(
        "AssignVariableOp",
        [dtype],
        [handle, tf.tensor(values, shape)],
        0,
      );
    });
    return tf.keep(handle);
  };
  const handles = (source: Named<Float32Array>) => {
    const out = {} as Named<Tensor>;
    for (const name of PARAM_NAMES) out[name] = create(shapes[name], source[name]);
    return out;
  };
  const weights = handles(state.weights);
  const m = handles(state.m);
  const v = handles(state.v);
  let step = state.step;
  const constants = [adam.learningRate, adam.beta1, adam.beta2, adam.epsilon].map((x) =>
    tf.keep(tf.scalar(x)),
  );
  const adamAttrs = [
    { name: "T", type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
    { name: "use_locking", type: b.TF_ATTR_BOOL, value: false },
    { name: "use_nesterov", type: b.TF_ATTR_BOOL, value: false },
  ];
  const [lr, beta1, beta2, epsilon] = constants as [Tensor, Tensor, Tensor, Tensor];
  const readAll = (source: Named<Tensor>) => {
    const out = {} as Named<Tensor>;
    for (const name of PARAM_NAMES) {
      out[name] = backend.executeSingleOutput("ReadVariableOp", [dtype], [source[name]]);
    }
    return out;
  };
  const toArrays = (source: Named<Tensor>) => {
    const out = {} as Named<Float32Array>;
    tf.tidy(() => {
      const read = readAll(source);
      for (const name of PARAM_NAMES) out[name] = read[name].dataSync() as Float32Array;
    });
    return out;
  };
  return {
    kind: "resource-variables",
    get step() {
      return step;
    },
    read: () => readAll(weights),
    applyAdam(grads) {
      step++;
      tf.tidy(() => {
        const beta1Power = tf.scalar(adam.beta1 ** step);
        const beta2Power = tf.scalar(adam.beta2 ** step);
        for (const name of PARAM_NAMES) {
          backend.executeMultipleOutputs(
            "ResourceApplyAdam",
            adamAttrs,
            [
              weights[name],
              m[name],
              v[name],
              beta1Power,
              beta2Power,
              lr,
              beta1,
              beta2,
              epsilon,
              grads[name],
            ],
            0,
          );
        }
      });
    },
    snapshot: () => ({ step, weights: toArrays(weights), m: toArrays(m), v: toArrays(v) }),
    dispose() {
      for (const group of [weights, m, v]) tf.dispose(Object.values(group));
      tf.dispose(constants);
    },
  };
}

function variableStore(
  tf: TF,
  arch: Architecture,
  state: ParamState,
  adam: AdamConfig,
): ParamStore {
  const shapes = paramShapes(arch);
  const variables = (source: Named<Float32Array>) => {
    const out = {} as Named<Variable>;
    for (const name of PARAM_NAMES) {
      out[name] = tf.variable(tf.tensor(source[name], shapes[name]), false);
    }
    return out;
  };
  const weights = variables(state.weights);
  const m = variables(state.m);
  const v = variables(state.v);
  let step = state.step;
  const arrays = (source: Named<Variable>) => {
    const out = {} as Named<Float32Array>;
    for (const name of PARAM_NAMES) out[name] = source[name].dataSync() as Float32Array;
    return out;
  };
  return {
    kind: "tf-variables",
    get step() {
      return step;
    },
    read: () => ({ ...weights }),
    applyAdam(grads) {
      step++;
      const rate =
        (adam.learningRate * Math.sqrt(1 - adam.beta2 ** step)) / (1 - adam.beta1 ** step);
      // 1 − β in float32 arithmetic, as the native kernel computes it.
      const oneMinusBeta1 = Math.fround(1 - Math.fround(adam.beta1));
      const oneMinusBeta2 = Math.fround(1 - Math.fround(adam.beta2));
      tf.tidy(() => {
        for (const name of PARAM_NAMES) {
          const g = grads[name];
          const mNext = tf.add(m[name], tf.mul(tf.sub(g, m[name]), oneMinusBeta1));
          const vNext = tf.add(v[name], tf.mul(tf.sub(tf.square(g), v[name]), oneMinusBeta2));
          const delta = tf.div(tf.mul(mNext, rate), tf.add(tf.sqrt(vNext), adam.epsilon));
          weights[name].assign(tf.sub(weights[name], delta));
          m[name].assign(mNext);
          v[name].assign(vNext);
        }
      });
    },
    snapshot: () => ({ step, weights: arrays(weights), m: arrays(m), v: arrays(v) }),
    dispose() {
      for (const group of [weights, m, v]) tf.dispose(Object.values(group));
    },
  };
}
