// The few tensor operations the VAE step needs, in two implementations with
// the same results: "native" calls TensorFlow ops by name through the
// tfjs-node backend, skipping tfjs's kernel dispatch and getting ops tfjs does
// not expose as one call (ReluGrad, BiasAddGrad); "portable" uses the public
// tfjs API and runs on any backend.
import type { Tensor } from "@tensorflow/tfjs-node";
import type { TF } from "../engine/tensorflow.ts";

export interface Kernels {
  readonly name: "native" | "portable";
  matMul(a: Tensor, b: Tensor, transposeA?: boolean, transposeB?: boolean): Tensor;
  /** x + bias, the bias broadcast over rows. */
  biasAdd(x: Tensor, bias: Tensor): Tensor;
  relu(x: Tensor): Tensor;
  /** dy where y > 0, else 0; y is a ReLU output. */
  reluGrad(dy: Tensor, y: Tensor): Tensor;
  /** Sums over rows: the gradient of a bias. */
  columnSums(x: Tensor): Tensor;
  sigmoid(x: Tensor): Tensor;
  /** dy·y·(1 − y); y is a sigmoid output. */
  sigmoidGrad(y: Tensor, dy: Tensor): Tensor;
  softplus(x: Tensor): Tensor;
  exp(x: Tensor): Tensor;
  square(x: Tensor): Tensor;
  add(a: Tensor, b: Tensor): Tensor;
  sub(a: Tensor, b: Tensor): Tensor;
  mul(a: Tensor, b: Tensor): Tensor;
  /** Sum of all elements, a scalar. */
  sum(x: Tensor): Tensor;
  /** Σ a⊙b over all elements, a scalar. */
  dot(a: Tensor, b: Tensor): Tensor;
  /** Splits the columns of x into two halves. */
  halves(x: Tensor): [Tensor, Tensor];
  /** [a | b] along columns. */
  joinColumns(a: Tensor, b: Tensor): Tensor;
  /** The rows of x at int32 `indices`. */
  gatherRows(x: Tensor, indices: Tensor): Tensor;
  /** A scalar kept for the life of the kernels, so steps create no constants. */
  constant(value: number): Tensor;
  dispose(): void;
}

function constants(tf: TF): Pick<Kernels, "constant" | "dispose"> {
  const cache = new Map<number, Tensor>();
  return {
    constant(value) {
      let tensor = cache.get(value);
      if (!tensor) {
        tensor = tf.keep(tf.scalar(value));
        cache.set(value, tensor);
      }
      return tensor;
    },
    dispose() {
      tf.dispose([...cache.values()]);
      cache.clear();
    },
  };
}

/** The tfjs-node backend's generic op runner (not part of the typed API). */
export interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}
type BindingConstant =
  | "TF_FLOAT"
  | "TF_INT32"
  | "TF_ATTR_TYPE"
  | "TF_ATTR_BOOL"
  | "TF_ATTR_INT"
  | "TF_ATTR_STRING"
  | "TF_ATTR_SHAPE";
export interface NodeBackend {
  binding: Record<BindingConstant, number>;
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: Tensor[]): Tensor;
  executeMultipleOutputs(
    name: string,
    attrs: OpAttr[],
    inputs: Tensor[],
    outputs: number,
  ): Tensor[];
}

export function nodeBackendOf(tf: TF): NodeBackend | undefined {
  if (tf.getBackend() !== "tensorflow") return undefined;
  const backend = tf.backend() as unknown as Partial<NodeBackend>;
  return typeof backend.executeSingleOutput === "function" && backend.binding
    ? (backend as NodeBackend)
    : undefined;
}

export function makeKernels(tf: TF, prefer: "native" | "portable" = "native"): Kernels {
  const backend = prefer === "native" ? nodeBackendOf(tf) : undefined;
  return backend ? nativeKernels(tf, backend) : portableKernels(tf);
}

export function portableKernels(tf: TF): Kernels {
  const scalars = constants(tf);
  const one = scalars.constant(1);
  return {
    ...scalars,
    name: "portable",
    matMul: (a, b, ta = false, tb = false) => tf.matMul(a, b, ta, tb),
    biasAdd: (x, bias) => tf.add(x, bias),
    relu: (x) => tf.relu(x),
    // y ≥ 0, so sign(y) is the 0/1 mask; one op cheaper than step or a compare and cast.
    reluGrad: (dy, y) => tf.mul(dy, tf.sign(y)),
    columnSums: (x) => tf.sum(x, 0),
    sigmoid: (x) => tf.sigmoid(x),
    sigmoidGrad: (y, dy) => tf.mul(dy, tf.mul(y, tf.sub(one, y))),
    softplus: (x) => tf.softplus(x),
    exp: (x) => tf.exp(x),
    square: (x) => tf.square(x),
    add: (a, b) => tf.add(a, b),
    sub: (a, b) => tf.sub(a, b),
    mul: (a, b) => tf.mul(a, b),
    sum: (x) => tf.sum(x),
    dot: (a, b) => tf.sum(tf.mul(a, b)),
    halves: (x) => tf.split(x, 2, 1) as [Tensor, Tensor],
    joinColumns: (a, b) => tf.concat([a, b], 1),
    gatherRows: (x, indices) => tf.gather(x, indices),
  };
}

export function nativeKernels(tf: TF, backend: NodeBackend): Kernels {
  const b = backend.binding;
  const type = (name: string, value: number): OpAttr => ({ name, type: b.TF_ATTR_TYPE, value });
  const flag = (name: string, value: boolean): OpAttr => ({ name, type: b.TF_ATTR_BOOL, value });
  const T = type("T", b.TF_FLOAT);
  const float = [T];
  const matMulAttrs = [false, true].flatMap((ta) =>
    [false, true].map((tb) => [T, flag("transpose_a", ta), flag("transpose_b", tb)]),
  );
  const sumAttrs = [T, type("Tidx", b.TF_INT32), flag("keep_dims", false)];
  const splitAttrs = [T, { name: "num_split", type: b.TF_ATTR_INT, value: 2 }];
  const concatAttrs = [T, { name: "N", type: b.TF_ATTR_INT, value: 2 }, type("Tidx", b.TF_INT32)];
  // tf.gather reads the indices back to JS to check them; GatherV2 checks them itself.
  const gatherAttrs = [
    type("Tparams", b.TF_FLOAT),
    type("Tindices", b.TF_INT32),
    type("Taxis", b.TF_INT32),
    { name: "batch_dims", type: b.TF_ATTR_INT, value: 0 },
  ];
  const axesOfRank = [tf.keep(tf.tensor1d([0], "int32")), tf.keep(tf.tensor1d([0, 1], "int32"))];
  const reshapeAttrs = [T, type("Tshape", b.TF_INT32)];
  const asRow = tf.keep(tf.tensor1d([1, -1], "int32"));
  const asScalar = tf.keep(tf.tensor1d([], "int32"));
  const axis0 = tf.keep(tf.scalar(0, "int32"));
  const axis1 = tf.keep(tf.scalar(1, "int32"));
  const scalars = constants(tf);
  const run = (op: string, attrs: OpAttr[], inputs: Tensor[]) =>
    backend.executeSingleOutput(op, attrs, inputs);
  const unary = (op: string) => (x: Tensor) => run(op, float, [x]);
  const binary = (op: string) => (x: Tensor, y: Tensor) => run(op, float, [x, y]);
  return {
    ...scalars,
    name: "native",
    matMul: (x, y, ta = false, tb = false) =>
      run("MatMul", matMulAttrs[(ta ? 2 : 0) + (tb ? 1 : 0)] as OpAttr[], [x, y]),
    biasAdd: binary("BiasAdd"),
    relu: unary("Relu"),
    reluGrad: binary("ReluGrad"),
    columnSums: unary("BiasAddGrad"),
    sigmoid: unary("Sigmoid"),
    sigmoidGrad: binary("SigmoidGrad"),
    softplus: unary("Softplus"),
    exp: unary("Exp"),
    square: unary("Square"),
    add: binary("AddV2"),
    sub: binary("Sub"),
    mul: binary("Mul"),
    sum: (x) => run("Sum", sumAttrs, [x, axesOfRank[x.rank - 1] as Tensor]),
    // As a [1, n]·[1, n]ᵀ product: one pass over memory instead of Mul and Sum.
    dot: (x, y) => {
      const row = (t: Tensor) => run("Reshape", reshapeAttrs, [t, asRow]);
      const product = run("MatMul", matMulAttrs[1] as OpAttr[], [row(x), row(y)]);
      return run("Reshape", reshapeAttrs, [product, asScalar]);
    },
    halves: (x) =>
      backend.executeMultipleOutputs("Split", splitAttrs, [axis1, x], 2) as [Tensor, Tensor],
    joinColumns: (x, y) => run("ConcatV2", concatAttrs, [x, y, axis1]),
    gatherRows: (x, indices) => run("GatherV2", gatherAttrs, [x, indices, axis0]),
    dispose: () => {
      scalars.dispose();
      tf.dispose([...axesOfRank, asRow, asScalar, axis0, axis1]);
    },
  };
}
