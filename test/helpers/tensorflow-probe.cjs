// Preloaded with --require: appends to $TF_PROBE_FILE each TensorFlow.js
// module the process loads, so a test can tell whether a run loaded it.
const fs = require("node:fs");
const Module = require("node:module");

const load = Module._load;
Module._load = function probe(request, ...rest) {
  if (request.startsWith("@tensorflow/"))
    fs.appendFileSync(process.env.TF_PROBE_FILE, `${request}\n`);
  return load.call(this, request, ...rest);
};
