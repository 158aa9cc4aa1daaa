// A small bitmap font for figure text: glyphs 5 pixels wide on a 7-pixel
// body, lowercase descenders reaching 2 rows lower. Each glyph is written as
// its rows, top first, "#" lit; drawn at an integer scale.
import type { Raster, Rgb } from "./raster.ts";

const GLYPHS: Record<string, string> = {
  " ": "",
  "0": ".###. #...# #..## #.#.# ##..# #...# .###.",
  "1": "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
  "2": ".###. #...# ....# ...#. ..#.. .#... #####",
  "3": "##### ...#. ..#.. ...#. ....# #...# .###.",
  "4": "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
  "5": "##### #.... ####. ....# ....# #...# .###.",
  "6": "..##. .#... #.... ####. #...# #...# .###.",
  "7": "##### ....# ...#. ..#.. .#... .#... .#...",
  "8": ".###. #...# #...# .###. #...# #...# .###.",
  "9": ".###. #...# #...# .#### ....# ...#. .##..",
  A: ".###. #...# #...# ##### #...# #...# #...#",
  B: "####. #...# #...# ####. #...# #...# ####.",
  C: ".###. #...# #.... #.... #.... #...# .###.",
  D: "###.. #..#. #...# #...# #...# #..#. ###..",
  E: "##### #.... #.... ####. #.... #.... #####",
  F: "##### #.... #.... ####. #.... #.... #....",
  G: ".###. #...# #.... #.### #...# #...# .####",
  H: "#...# #...# #...# ##### #...# #...# #...#",
  I: ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
  J: "..### ...#. ...#. ...#. ...#. #..#. .##..",
  K: "#...# #..#. #.#.. ##... #.#.. #..#. #...#",
  L: "#.... #.... #.... #.... #.... #.... #####",
  M: "#...# ##.## #.#.# #.#.# #...# #...# #...#",
  N: "#...# #...# ##..# #.#.# #..## #...# #...#",
  O: ".###. #...# #...# #...# #...# #...# .###.",
  P: "####. #...# #...# ####. #.... #.... #....",
  Q: ".###. #...# #...# #...# #.#.# #..#. .##.#",
  R: "####. #...# #...# ####. #.#.. #..#. #...#",
  S: ".#### #.... #.... .###. ....# ....# ####.",
  T: "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
  U: "#...# #...# #...# #...# #...# #...# .###.",
  V: "#...# #...# #...# #...# #...# .#.#. ..#..",
  W: "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
  X: "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
  Y: "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
  Z: "##### ....# ...#. ..#.. .#... #.... #####",
  a: "..... ..... .###. ....# .#### #...# .####",
  b: "#.... #.... #.##. ##..# #...# #...# ####.",
  c: "..... ..... .###. #.... #.... #...# .###.",
  d: "....# ....# .##.# #..## #...# #...# .####",
  e: "..... ..... .###. #...# ##### #.... .###.",
  f: "..##. .#..# .#... ###.. .#... .#... .#...",
  g: "..... ..... .#### #...# #...# #...# .#### ....# .###.",
  h: "#.... #.... #.##. ##..# #...# #...# #...#",
  i: "..#.. ..... .##.. ..#.. ..#.. ..#.. .###.",
  j: "...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..",
  k: "#.... #.... #..#. #.#.. ##... #.#.. #..#.",
  l: ".##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
  m: "..... ..... ##.#. #.#.# #.#.# #.#.# #.#.#",
  n: "..... ..... #.##. ##..# #...# #...# #...#",
  o: "..... ..... .###. #...# #...# #...# .###.",
  p: "..... ..... ####. #...# #...# #...# ####. #.... #....",
  q: "..... ..... .#### #...# #...# #...# .#### ....# ....#",
  r: "..... ..... #.##. ##..# #.... #.... #....",
  s: "..... ..... .###. #.... .###. ....# ####.",
  t: ".#... .#... ###.. .#... .#... .#..# ..##.",
  u: "..... ..... #...# #...# #...# #..## .##.#",
  v: "..... ..... #...# #...# #...# .#.#. ..#..",
  w: "..... ..... #...# #...# #.#.# #.#.# .#.#.",
  x: "..... ..... #...# .#.#. ..#.. .#.#. #...#",
  y: "..... ..... #...# #...# #...# #...# .#### ....# .###.",
  z: "..... ..... ##### ...#. ..#.. .#... #####",
  "-": "..... ..... ..... .###. ..... ..... .....",
  "+": "..... ..#.. ..#.. ##### ..#.. ..#.. .....",
  "=": "..... ..... ##### ..... ##### ..... .....",
  ".": "..... ..... ..... ..... ..... .##.. .##..",
  ",": "..... ..... ..... ..... ..... .##.. ..#.. .#...",
  ":": "..... .##.. .##.. ..... .##.. .##.. .....",
  "/": "....# ....# ...#. ..#.. .#... #.... #....",
  "(": "...#. ..#.. .#... .#... .#... ..#.. ...#.",
  ")": ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",
  "[": ".###. .#... .#... .#... .#... .#... .###.",
  "]": ".###. ...#. ...#. ...#. ...#. ...#. .###.",
  _: "..... ..... ..... ..... ..... ..... #####",
  "%": "##..# ##..# ...#. ..#.. .#... #..## #..##",
  "'": "..#.. ..#.. .#... ..... ..... ..... .....",
  "?": ".###. #...# ....# ...#. ..#.. ..... ..#..",
};

/** Glyph width, advance (with one column of spacing) and heights, in font pixels. */
export const GLYPH_WIDTH = 5;
export const ADVANCE = 6;
export const CAP_HEIGHT = 7;
export const LINE_HEIGHT = 11;

// Lit pixels of every glyph as [column, row] pairs, parsed once.
const BITMAPS = new Map<string, Array<[number, number]>>(
  Object.entries(GLYPHS).map(([char, rows]) => {
    const lit: Array<[number, number]> = [];
    rows
      .split(" ")
      .filter(Boolean)
      .forEach((row, y) => {
        for (let x = 0; x < row.length; x++) if (row[x] === "#") lit.push([x, y]);
      });
    return [char, lit];
  }),
);

export function hasGlyph(char: string): boolean {
  return BITMAPS.has(char);
}

export function textWidth(text: string, scale = 1): number {
  return text.length === 0 ? 0 : (text.length * ADVANCE - 1) * scale;
}

export type Align = "left" | "center" | "right";

export interface TextOptions {
  scale?: number;
  color?: Rgb;
  align?: Align;
  /** Rotated a quarter turn counter-clockwise, reading bottom to top. */
  vertical?: boolean;
}

/**
 * Draws `text` with the top of its capitals at `y` (or, vertical, with its
 * capitals' top edge at `x`); `x` (or `y`) is the left, centre or right end.
 * Characters without a glyph are drawn as "?".
 */
export function drawText(
  raster: Raster,
  text: string,
  x: number,
  y: number,
  options: TextOptions = {},
): void {
  const scale = options.scale ?? 1;
  const color = options.color ?? [0, 0, 0];
  const width = textWidth(text, scale);
  const shift = options.align === "center" ? width / 2 : options.align === "right" ? width : 0;
  const start = Math.round(options.vertical ? y + shift : x - shift);
  [...text].forEach((char, index) => {
    const lit = BITMAPS.get(char) ?? BITMAPS.get("?") ?? [];
    const offset = index * ADVANCE * scale;
    for (const [gx, gy] of lit) {
      const along = offset + gx * scale;
      const across = gy * scale;
      if (options.vertical) raster.fillRect(x + across, start - along - scale, scale, scale, color);
      else raster.fillRect(start + along, y + across, scale, scale, color);
    }
  });
}
