// Runs as this package's preinstall, after npm has unpacked every dependency
// and before @tensorflow/tfjs-node's own install script. Where Google's storage
// cannot be reached, it lays a locally found TensorFlow C library into
// tfjs-node's deps/ so that tfjs-node builds its binding from source instead
// of downloading one.
import { execFileSync } from "node:child_process";
import { lookup } from "node:dns/promises";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const TF_VERSION = "2.21.0";
const LIB_ENV = "MRS_ROBOT_LIBTENSORFLOW";
// Read by `pipeline doctor` to say where the library came from.
const ORIGIN_FILE = "mrs-robot-origin.json";
const here = path.dirname(fileURLToPath(import.meta.url));
// npm installs this package as a copy under the project's node_modules.
const nodeModules = here.slice(0, here.lastIndexOf(`${path.sep}node_modules${path.sep}`) + 13);
const tfjsNode = path.join(nodeModules, "@tensorflow/tfjs-node");
const say = (line) => console.error(`[native-tensorflow] ${line}`);

async function main() {
  if (!here.includes(`${path.sep}node_modules${path.sep}`) || !fs.existsSync(tfjsNode)) return;
  if (fs.existsSync(path.join(tfjsNode, "deps/lib/libtensorflow.so"))) return;

  const lib = process.env[LIB_ENV]
    ? { ...fromDirectory(process.env[LIB_ENV]), origin: `${LIB_ENV}=${process.env[LIB_ENV]}` }
    : (await googleStorageReachable())
      ? undefined
      : (cachedExtraction() ?? extractWheel());
  if (!lib) return;

  layDeps(lib);
  fs.writeFileSync(
    path.join(tfjsNode, "deps", ORIGIN_FILE),
    `${JSON.stringify({ origin: lib.origin, root: lib.root })}\n`,
  );
  say(`tfjs-node will build its binding against ${lib.root}`);
}

function fromDirectory(dir) {
  const root = path.resolve(dir);
  for (const sub of ["lib", "include/tensorflow/c/c_api.h"]) {
    if (!fs.existsSync(path.join(root, sub))) {
      fail(
        `${LIB_ENV}=${dir}: expected an extracted libtensorflow (lib/ and include/), but ${sub} is missing`,
      );
    }
  }
  const libs = fs.readdirSync(path.join(root, "lib"));
  const pick = (prefix) => libs.find((f) => f.startsWith(prefix) && /\.so(\.\d+)*$/.test(f));
  const tensorflow = pick("libtensorflow_cc.so") ?? pick("libtensorflow.so");
  const framework = pick("libtensorflow_framework.so");
  if (!tensorflow || !framework) {
    fail(
      `${LIB_ENV}=${dir}: expected libtensorflow*.so and libtensorflow_framework*.so in lib/, found ${libs.join(", ") || "nothing"}`,
    );
  }
  return {
    root,
    include: path.join(root, "include"),
    tensorflow: path.join(root, "lib", tensorflow),
    framework: path.join(root, "lib", framework),
  };
}

async function googleStorageReachable() {
  try {
    await lookup("storage.googleapis.com");
    return true;
  } catch {
    return false;
  }
}

function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "mrs-robot", `libtensorflow-${TF_VERSION}`);
}

function cachedExtraction() {
  const root = cacheDir();
  if (!fs.existsSync(path.join(root, "complete"))) return undefined;
  say(`using the cached TensorFlow ${TF_VERSION} C library in ${root}`);
  return {
    ...fromDirectory(root),
    origin: `tensorflow-cpu==${TF_VERSION} wheel, cached extraction`,
  };
}

function extractWheel() {
  const root = cacheDir();
  const download = fs.mkdtempSync(path.join(os.tmpdir(), "mrs-robot-wheel-"));
  say(`no route to Google's storage: fetching the tensorflow-cpu==${TF_VERSION} wheel with pip`);
  try {
    execFileSync(
      "pip",
      [
        "download",
        "--no-deps",
        "--retries",
        "0",
        "--timeout",
        "5",
        `tensorflow-cpu==${TF_VERSION}`,
        "-d",
        download,
      ],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
  } catch {
    say(
      `pip could not fetch tensorflow-cpu==${TF_VERSION}; set ${LIB_ENV} to an extracted libtensorflow (lib/ + include/)`,
    );
    fs.rmSync(download, { recursive: true, force: true });
    return undefined;
  }
  const wheel = fs.readdirSync(download).find((f) => f.endsWith(".whl"));
  const staging = `${root}.tmp-${process.pid}`;
  say(`extracting the C library and headers into ${root}`);
  execFileSync("python3", ["-c", EXTRACT, path.join(download, wheel), staging], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  fs.writeFileSync(path.join(staging, "complete"), `${wheel}\n`);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(root), { recursive: true });
  fs.renameSync(staging, root);
  fs.rmSync(download, { recursive: true, force: true });
  return {
    ...fromDirectory(root),
    origin: `tensorflow-cpu==${TF_VERSION} wheel, fetched with pip`,
  };
}

const EXTRACT = `
import os, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
libs = {"tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2"}
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        name = info.filename
        if name in libs:
            target = os.path.join(out, "lib", os.path.basename(name))
        elif name.startswith("tensorflow/include/") and not name.endswith("/"):
            target = os.path.join(out, "include", name[len("tensorflow/include/"):])
        else:
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
`;

function layDeps(lib) {
  const deps = path.join(tfjsNode, "deps");
  const depsLib = path.join(deps, "lib");
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(depsLib, { recursive: true });
  fs.symlinkSync(lib.include, path.join(deps, "include"));
  const links = {
    [path.basename(lib.tensorflow)]: lib.tensorflow,
    [path.basename(lib.framework)]: lib.framework,
    "libtensorflow.so": lib.tensorflow,
    "libtensorflow_framework.so": lib.framework,
    // tfjs-node's install script looks for this name to decide that a
    // library is already in place.
    [`libtensorflow.so.${tfjsNodeLibVersion()}`]: lib.tensorflow,
  };
  for (const [name, target] of Object.entries(links)) {
    const link = path.join(depsLib, name);
    if (!fs.existsSync(link)) fs.symlinkSync(target, link);
  }
  // A custom library makes tfjs-node's install build from source rather than
  // try to download a prebuilt binding.
  fs.writeFileSync(
    path.join(tfjsNode, "scripts/custom-binary.json"),
    `${JSON.stringify({ "tf-lib": `file://${lib.root}` })}\n`,
  );
}

function tfjsNodeLibVersion() {
  const constants = fs.readFileSync(path.join(tfjsNode, "scripts/deps-constants.js"), "utf8");
  const match = /LIBTENSORFLOW_VERSION = '([\d.]+)'/.exec(constants);
  if (!match) fail("cannot read LIBTENSORFLOW_VERSION from tfjs-node's scripts/deps-constants.js");
  return match[1];
}

function fail(message) {
  say(message);
  process.exit(1);
}

await main();
