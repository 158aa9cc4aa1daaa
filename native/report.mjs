// Runs after install: says once which TensorFlow backend the pipeline will use.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
try {
  const tf = require("@tensorflow/tfjs-node");
  console.error(`[native-tensorflow] backend ${tf.getBackend()}, TensorFlow ${tf.version.tfjs}`);
} catch (error) {
  const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
  console.error(
    `[native-tensorflow] the native TensorFlow backend is not available (${reason}); ` +
      "the pipeline will train on the pure-JS backend, about 30x slower",
  );
}
