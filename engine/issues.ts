// Turns zod issues into lines that name the YAML path and say what was
// expected and what was found.
import type { z } from "zod";

type Path = ReadonlyArray<PropertyKey>;

export function formatPath(path: Path): string {
  return path
    .map((part, i) =>
      typeof part === "number" ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`,
    )
    .join("");
}

export function formatIssues(error: z.ZodError, prefix: Path = []): string[] {
  return error.issues.map((issue) => {
    const path = formatPath([...prefix, ...issue.path]);
    return `${path}: ${describeIssue(issue)}`;
  });
}

const TYPE_NAMES: Record<string, string> = {
  number: "a number",
  int: "an integer",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

function describeIssue(issue: z.core.$ZodIssue): string {
  const got = "input" in issue ? `, got ${show(issue.input)}` : "";
  if (issue.message.startsWith("expected")) return `${issue.message}${got}`;
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined)
        return `missing, expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}${got}`;
    case "too_small":
      return `expected ${bound(issue.origin, issue.inclusive ? "at least" : "more than", issue.minimum)}${got}`;
    case "too_big":
      return `expected ${bound(issue.origin, issue.inclusive ? "at most" : "less than", issue.maximum)}${got}`;
    case "invalid_value":
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}${got}`;
    case "unrecognized_keys":
      return `unknown ${issue.keys.length > 1 ? "keys" : "key"} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    case "invalid_format":
      return `expected ${issue.format === "regex" ? issue.message : issue.format}${got}`;
    default:
      return `${issue.message}${got}`;
  }
}

function bound(origin: string, relation: string, limit: number | bigint): string {
  if (origin === "array") return `a list of ${relation} ${limit} item(s)`;
  if (origin === "string") return `a string of ${relation} ${limit} character(s)`;
  return `a number ${relation} ${limit}`;
}

export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
