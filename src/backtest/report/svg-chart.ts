import { html, type SafeHtml } from "./html.js";
import { niceLinearTicks, timeTicks } from "./ticks.js";

export type ChartSpec = {
  /** The svg element's id; its accessible title gets `${id}-title`. */
  readonly id: string;
  readonly title: string;
  /** Finite, time ascending (ms since the epoch), already downsampled to a drawable size. */
  readonly time: readonly number[];
  readonly value: readonly number[];
  readonly width: number;
  readonly height: number;
  /** "area" fills between the curve and zero (a drawdown); "line" is a plain polyline. */
  readonly kind: "line" | "area";
  /** Where the value axis ends at the top: a drawdown's axis ends at 0, its peak. */
  readonly axisTop?: number;
  /** A value-axis label; `step` is the tick spacing, so labels carry only the digits they need. */
  readonly formatValue: (value: number, step: number) => string;
  readonly emptyText: string;
};

const MARGIN = { top: 12, right: 20, bottom: 30, left: 76 } as const;

/** Two decimals of a pixel is finer than any screen; it keeps a 2 000-point path compact. */
function coord(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`svg chart: non-finite coordinate ${v}`);
  return String(Math.round(v * 100) / 100 + 0);
}

/** A value domain with room to draw: a flat curve gets a band of ±1% (or ±0.01 around zero). */
function valueDomain(values: readonly number[], axisTop: number | undefined): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (axisTop !== undefined) {
    hi = axisTop;
    lo = Math.min(lo, axisTop);
  }
  if (hi - lo <= Math.abs(hi) * 1e-9) {
    const pad = Math.abs(hi) * 0.01 || 0.01;
    lo -= pad;
    if (axisTop === undefined) hi += pad;
  }
  return [lo, hi];
}

/** A server-rendered SVG chart: no script, so it draws under a CSP that forbids all scripts. */
export function renderChart(spec: ChartSpec): SafeHtml {
  const { id, width, height } = spec;
  const titleId = `${id}-title`;
  const open = (body: SafeHtml) =>
    html`<svg id="${id}" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${titleId}"><title id="${titleId}">${spec.title}</title>${body}</svg>`;

  const n = Math.min(spec.time.length, spec.value.length);
  if (n === 0) {
    return open(html`<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle" dominant-baseline="middle">${spec.emptyText}</text>`);
  }

  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = height - MARGIN.bottom;
  const [lo, hi] = valueDomain(spec.value, spec.axisTop);
  const yTicks = niceLinearTicks(lo, hi, Math.max(2, Math.round((bottom - top) / 60)));
  const y = (v: number) => top + ((yTicks.max - v) / (yTicks.max - yTicks.min)) * (bottom - top);

  const t0 = spec.time[0]!;
  const t1 = spec.time[n - 1]!;
  // One point (or one instant) has no time span: draw it as a level across the whole plot.
  const flat = !(t1 > t0);
  const x = (t: number) => (flat ? left : left + ((t - t0) / (t1 - t0)) * (right - left));
  // About one label per 120 px (never closer than 80): a "01-04 12:00" label is some 70 px wide.
  const xTicks = timeTicks(t0, t1, Math.max(2, Math.floor((right - left) / 120)));

  const points: string[] = [];
  for (let i = 0; i < n; i++) points.push(`${coord(x(spec.time[i]!))} ${coord(y(spec.value[i]!))}`);
  if (flat) points.push(`${coord(right)} ${coord(y(spec.value[n - 1]!))}`);
  const lastX = flat ? right : x(t1);
  let d = `M${points.join("L")}`;
  if (spec.kind === "area") {
    const base = coord(Math.min(bottom, Math.max(top, y(0))));
    d = `M${coord(left)} ${base}L${points.join("L")}L${coord(lastX)} ${base}Z`;
  }

  const grid = yTicks.ticks.map((v) => {
    const ty = coord(y(v));
    return html`<line x1="${coord(left)}" x2="${coord(right)}" y1="${ty}" y2="${ty}"/>`;
  });
  const yLabels = yTicks.ticks.map(
    (v) => html`<text x="${coord(left - 8)}" y="${coord(y(v))}" text-anchor="end" dominant-baseline="middle">${spec.formatValue(v, yTicks.step)}</text>`,
  );
  const xLabels = xTicks.ticks.map((t) => {
    const tx = x(t);
    // Labels at the plot's edges are anchored inwards so they are not cut off by the viewBox.
    const anchor = tx - left < 40 ? "start" : right - tx < 40 ? "end" : "middle";
    return html`<line class="tick" x1="${coord(tx)}" x2="${coord(tx)}" y1="${coord(bottom)}" y2="${coord(bottom + 4)}"/><text x="${coord(tx)}" y="${coord(bottom + 18)}" text-anchor="${anchor}">${xTicks.label(t)}</text>`;
  });

  return open(html`<g class="grid">${grid}</g><line class="axis" x1="${coord(left)}" x2="${coord(right)}" y1="${coord(bottom)}" y2="${coord(bottom)}"/><g class="labels y">${yLabels}</g><g class="labels x">${xLabels}</g><path class="series ${spec.kind}" d="${d}"/>`);
}
