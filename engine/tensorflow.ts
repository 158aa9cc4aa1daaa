// Loads TensorFlow.js once, on first use: the native backend when its binding
// loads, else the pure-JS one, said once. A cached run never calls this.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs-node";
import { makeLogger } from "./log.ts";

export type TF = typeof tfTypes;

export interface BackendInfo {
  backend: string;
  version: string;
  native: boolean;
  /** Where the TensorFlow C library was loaded from, when native. */
  library?: string;
  /** How that library got there. */
  origin?: string;
  fallbackReason?: string;
}

const require = createRequire(import.meta.url);
let loaded: { tf: TF; info: BackendInfo } | undefined;

export function loadTensorflow(): { tf: TF; info: BackendInfo } {
  if (loaded) return loaded;
  process.env.TF_CPP_MIN_LOG_LEVEL ??= "2";
  try {
    const tf = require("@tensorflow/tfjs-node") as TF;
    loaded = {
      tf,
      info: {
        backend: tf.getBackend(),
        version: tf.version.tfjs,
        native: true,
        library: nativeLibraryPath(),
        origin: libraryOrigin(),
      },
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    const tf = require("@tensorflow/tfjs") as TF;
    makeLogger().warn(
      `native TensorFlow is not available (${reason}); using the pure-JS backend, about 30x slower`,
    );
    loaded = {
      tf,
      info: {
        backend: tf.getBackend(),
        version: tf.version.tfjs,
        native: false,
        fallbackReason: reason,
      },
    };
  }
  return loaded;
}

function tfjsNodeDeps(file: string): string {
  return path.join(
    path.dirname(require.resolve("@tensorflow/tfjs-node/package.json")),
    "deps",
    file,
  );
}

function libraryOrigin(): string {
  try {
    const marker = JSON.parse(fs.readFileSync(tfjsNodeDeps("mrs-robot-origin.json"), "utf8"));
    return String(marker.origin);
  } catch {
    return "libtensorflow downloaded by tfjs-node's installer";
  }
}

function nativeLibraryPath(): string | undefined {
  try {
    return fs.realpathSync(tfjsNodeDeps("lib/libtensorflow.so"));
  } catch {
    return undefined;
  }
}

/** The backend's name if TensorFlow was loaded by this process, without loading it. */
export function loadedBackend(): string | undefined {
  return loaded ? `${loaded.info.backend} (tfjs ${loaded.info.version})` : undefined;
}
