// chart.js: a small hand-drawn SVG chart of the last hour: bars of runs per slot (failures in
// red on top) and a line of the p99 lateness on its own scale. No library.
//
//   container.append(activityChart(stats.slots));

import { formatSeconds } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const HOUR_SLOTS = 360;  // the server's hour of 10 s slots: the x axis always spans it
const WIDTH = 720, HEIGHT = 180, PAD_LEFT = 44, PAD_RIGHT = 52, PAD_TOP = 10, PAD_BOTTOM = 22;

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

export function activityChart(allSlots) {
  const slots = allSlots.slice(-HOUR_SLOTS);
  const runs = slots.map((w) => w.runs);
  const late = slots.map((w) => w.lateness_p99_s);
  const maxRuns = Math.max(1, ...runs);
  const maxLate = Math.max(0.001, ...late.filter((x) => x !== null));
  const plotW = WIDTH - PAD_LEFT - PAD_RIGHT, plotH = HEIGHT - PAD_TOP - PAD_BOTTOM;
  const barW = plotW / HOUR_SLOTS;
  const first = Math.max(0, HOUR_SLOTS - slots.length);  // a young server's slots sit at the right
  const svg = s("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "chart", role: "img",
                         "aria-label": "Runs per 10 s and p99 lateness over the last hour" });
  svg.append(s("title", {}, "Runs per slot (bars, failures red) and p99 lateness (line)"));
  svg.append(s("line", { x1: PAD_LEFT, y1: PAD_TOP + plotH, x2: PAD_LEFT + plotW, y2: PAD_TOP + plotH, class: "axis" }));
  svg.append(s("text", { x: PAD_LEFT - 4, y: PAD_TOP + 8, class: "label", "text-anchor": "end" }, String(maxRuns)));
  svg.append(s("text", { x: PAD_LEFT - 4, y: PAD_TOP + plotH, class: "label", "text-anchor": "end" }, "0"));
  svg.append(s("text", { x: PAD_LEFT + plotW + 4, y: PAD_TOP + 8, class: "label late" }, formatSeconds(maxLate)));
  svg.append(s("text", { x: PAD_LEFT, y: HEIGHT - 4, class: "label" }, "−60 min"));
  svg.append(s("text", { x: PAD_LEFT + plotW, y: HEIGHT - 4, class: "label", "text-anchor": "end" }, "now"));
  slots.forEach((w, i) => {
    const x = PAD_LEFT + (first + i) * barW;
    const hRuns = (w.runs / maxRuns) * plotH;
    const hFail = (w.failures / maxRuns) * plotH;
    if (hRuns > 0) svg.append(s("rect", { x, y: PAD_TOP + plotH - hRuns, width: Math.max(barW - 1, 1), height: hRuns, class: "bar" }));
    if (hFail > 0) svg.append(s("rect", { x, y: PAD_TOP + plotH - hFail, width: Math.max(barW - 1, 1), height: hFail, class: "bar-fail" }));
  });
  const points = late.map((v, i) => (v === null ? null : [PAD_LEFT + (first + i + 0.5) * barW, PAD_TOP + plotH - (v / maxLate) * plotH]))
    .filter(Boolean).map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`);
  if (points.length) svg.append(s("polyline", { points: points.join(" "), class: "late-line" }));
  return svg;
}
