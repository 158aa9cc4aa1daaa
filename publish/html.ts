// HTML building blocks for the report: escaping, number formatting that
// does not depend on the locale, tables and embedded images.

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A fixed-point number, or an em dash for a missing one. */
export function formatNumber(value: unknown, decimals = 2): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  const text = value.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** An integer with thousands separators, the same on every machine. */
export function formatCount(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  const digits = String(Math.round(Math.abs(value)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return value < 0 ? `-${grouped}` : grouped;
}

/** Any params value as short text: scalars as they are, the rest as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return "—";
  return JSON.stringify(sortKeys(value));
}

/** A copy with object keys in sorted order, at every depth. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(compareText)) {
      out[key] = sortKeys((value as Record<string, unknown>)[key]);
    }
    return out;
  }
  return value;
}

/** Code-unit order, independent of the locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString("base64")}`;
}

export interface Cell {
  /** Already escaped HTML. */
  html: string;
  className?: string;
}

/** Plain text becomes an escaped cell; a Cell passes as it is. */
export type CellInput = string | Cell;

function cell(tag: "td" | "th", input: CellInput): string {
  const { html, className } = typeof input === "string" ? { html: escapeHtml(input) } : input;
  return `<${tag}${className ? ` class="${className}"` : ""}>${html}</${tag}>`;
}

export function table(
  head: CellInput[],
  rows: CellInput[][],
  options: { className?: string; id?: string } = {},
): string {
  const attrs = `${options.id ? ` id="${options.id}"` : ""}${options.className ? ` class="${options.className}"` : ""}`;
  const header = `<thead><tr>${head.map((h) => cell("th", h)).join("")}</tr></thead>`;
  const body = rows.map((row) => `<tr>${row.map((c) => cell("td", c)).join("")}</tr>`).join("\n");
  return `<table${attrs}>\n${header}\n<tbody>\n${body}\n</tbody>\n</table>`;
}

export function numberCell(value: unknown, decimals = 2): Cell {
  return { html: escapeHtml(formatNumber(value, decimals)), className: "num" };
}

export function codeCell(text: string): Cell {
  return { html: `<code>${escapeHtml(text)}</code>` };
}
