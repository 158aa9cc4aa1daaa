// The report's stylesheet: system fonts only, light cards on a soft
// background, tabular numbers, pixel-exact scaling for the generated images.
export const STYLE = `
:root {
  --ink: #1c2330; --muted: #5e6878; --faint: #8a93a3; --line: #e4e7ec; --bg: #f4f5f8;
  --card: #ffffff; --accent: #4056c8; --train: #2f6fb0; --test: #e0672b; --bar: #dfe5fb;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
.wrap { max-width: 1120px; margin: 0 auto; padding: 0 28px; }
header.hero { background: linear-gradient(135deg, #1d2540 0%, #2f3d73 100%); color: #fff; padding: 44px 0 36px; }
.eyebrow { margin: 0 0 6px; font-size: 12px; letter-spacing: .14em; text-transform: uppercase; color: #b8c2ea; }
h1 { margin: 0; font-size: 34px; line-height: 1.15; font-weight: 700; letter-spacing: -.01em; }
.lede { margin: 10px 0 0; max-width: 760px; color: #d5dbf3; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 28px 0 0; }
.stat { background: rgba(255,255,255,.08); border: 1px solid rgba(255,255,255,.14); border-radius: 10px; padding: 12px 14px; }
.stat dt { font-size: 12px; color: #b8c2ea; }
.stat dd { margin: 2px 0 0; font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.stat dd small { font-size: 12px; font-weight: 400; color: #b8c2ea; margin-left: 4px; }
nav.toc { background: var(--card); border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 1; }
nav.toc .wrap { display: flex; gap: 22px; overflow-x: auto; }
nav.toc a { color: var(--muted); text-decoration: none; font-size: 14px; padding: 12px 0; white-space: nowrap; border-bottom: 2px solid transparent; }
nav.toc a:hover { color: var(--accent); border-bottom-color: var(--accent); }
main { padding: 28px 0 8px; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 24px 26px; margin: 0 0 22px; box-shadow: 0 1px 2px rgba(20,30,60,.04); }
h2 { margin: 0 0 4px; font-size: 20px; }
h3 { margin: 0 0 8px; font-size: 14px; color: var(--muted); font-weight: 600; }
p.note { margin: 0 0 16px; color: var(--muted); font-size: 14px; max-width: 820px; }
figure { margin: 0; }
figure.plate { text-align: center; }
figure.plate img { max-width: 100%; height: auto; border-radius: 6px; border: 1px solid var(--line); }
img.pixel { image-rendering: pixelated; background: #000; }
figcaption { margin-top: 8px; color: var(--faint); font-size: 13px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 18px; }
.charts figure { border: 1px solid var(--line); border-radius: 10px; padding: 12px 10px 4px; }
.charts figcaption { margin: 0 0 4px 6px; color: var(--ink); font-weight: 600; font-size: 14px; }
.legend { display: flex; gap: 18px; margin: 0 0 14px; font-size: 13px; color: var(--muted); }
.legend span::before { content: ""; display: inline-block; width: 18px; height: 0; border-top: 2.5px solid; vertical-align: middle; margin-right: 6px; }
.legend .train::before { border-color: var(--train); }
.legend .test::before { border-color: var(--test); border-top-style: dashed; }
svg.loss-chart { width: 100%; height: auto; display: block; font-family: inherit; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .axis { stroke: var(--faint); stroke-width: 1; }
svg .tick { fill: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; }
svg .label, svg .empty { fill: var(--muted); font-size: 12px; }
svg .series path { fill: none; stroke-width: 2; stroke-linejoin: round; }
svg .series.train path, svg .series.train circle { stroke: var(--train); }
svg .series.test path, svg .series.test circle { stroke: var(--test); }
svg .series.test path { stroke-dasharray: 5 4; }
svg .series circle { fill: #fff; stroke-width: 1.5; }
.previews { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 14px; }
.previews figure { text-align: center; }
.previews img { width: 100%; height: auto; border-radius: 6px; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 650; background: #f7f8fc; }
td.bar { width: 26%; }
.bar span { display: block; height: 10px; border-radius: 5px; background: linear-gradient(90deg, var(--accent), #8a9cf0); }
.params { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 18px; }
.params table td:first-child { color: var(--muted); width: 45%; }
code { font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; word-break: break-all; }
details { margin-top: 14px; }
summary { cursor: pointer; color: var(--accent); font-size: 14px; }
footer { color: var(--faint); font-size: 13px; padding: 8px 0 40px; }
footer table { font-size: 12px; }
footer th, footer td { border-color: #e9ebf0; }
`;
