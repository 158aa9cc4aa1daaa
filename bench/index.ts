// `npm run bench`: every benchmark, as a table to paste into the README.
import { benchCachedRun } from "./cached-run.ts";
import { benchConvert } from "./convert.ts";

const rows: Record<string, string> = {
  ...(await benchConvert()),
  ...(await benchCachedRun()),
};
process.stdout.write("| measurement | result |\n|---|---|\n");
for (const [name, value] of Object.entries(rows)) process.stdout.write(`| ${name} | ${value} |\n`);
