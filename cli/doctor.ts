import os from "node:os";
import { loadTensorflow } from "../engine/tensorflow.ts";
import { parse } from "./args.ts";

export const DOCTOR_HELP = `Usage: pipeline doctor [--json]

Reports the Node version and the TensorFlow backend the pipeline trains on:
its name, version and where its native library was loaded from.`;

export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    "doctor",
    argv,
    {
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    false,
  );
  if (values.help) {
    process.stdout.write(`${DOCTOR_HELP}\n`);
    return 0;
  }
  const { tf, info } = loadTensorflow();
  const report = {
    node: process.version,
    platform: `${os.platform()}-${os.arch()}`,
    cpus: os.cpus().length,
    backend: info.backend,
    native: info.native,
    tfjs: info.version,
    tensorflow: info.native
      ? ((tf.version as Record<string, string>)["tfjs-node"] ?? info.version)
      : undefined,
    library: info.library ?? null,
    origin: info.origin ?? null,
    fallbackReason: info.fallbackReason ?? null,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    process.stdout.write(
      [
        `node      ${report.node} (${report.platform}, ${report.cpus} cpus)`,
        `backend   ${report.backend}${report.native ? " (native)" : " (pure JS: no native library could be loaded)"}`,
        `tfjs      ${report.tfjs}`,
        `library   ${report.library ?? report.fallbackReason ?? "-"}`,
        ...(report.origin ? [`origin    ${report.origin}`] : []),
        "",
      ].join("\n"),
    );
  }
  return info.native ? 0 : 1;
}
