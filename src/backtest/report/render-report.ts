import { downsampleCurve } from "../downsample.js";
import type { BacktestMetrics, BacktestTrade } from "../types.js";
import { decimalsForStep, formatDateTime, formatNumber, formatPercent } from "./format.js";
import { html, SafeHtml } from "./html.js";
import { renderMetricsTable } from "./metrics-table.js";
import { REPORT_CSS } from "./styles.js";
import { renderChart } from "./svg-chart.js";
import { renderTradesTable } from "./trades-table.js";

export type ReportInput = {
  readonly id: string;
  readonly title: string;
  /** Label–value pairs shown as given: symbols, timeframe, period, fees, fill model… */
  readonly summary: ReadonlyArray<readonly [string, string]>;
  readonly metrics: BacktestMetrics;
  readonly equity: { time: number[]; equity: number[] };
  readonly trades: readonly BacktestTrade[];
  readonly generatedAt: Date;
};

/** About two points per horizontal pixel of the chart: more cannot be seen, fewer could hide a spike. */
export const CHART_MAX_POINTS = 2000;
const CHART_WIDTH = 960;

type Curve = { time: ArrayLike<number>; value: ArrayLike<number> };

/** Drops points with a non-finite time or value (a NaN would break the whole path); copies only if needed. */
function finitePoints(time: ArrayLike<number>, value: ArrayLike<number>): Curve {
  const n = Math.min(time.length, value.length);
  let clean = n === time.length && n === value.length;
  for (let i = 0; clean && i < n; i++) clean = Number.isFinite(time[i]!) && Number.isFinite(value[i]!);
  if (clean) return { time, value };
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(time[i]!) && Number.isFinite(value[i]!)) {
      t.push(time[i]!);
      v.push(value[i]!);
    }
  }
  return { time: t, value: v };
}

/**
 * Drawdown below the running peak as a fraction (≤ 0), on every point before any downsampling, so the
 * deepest point drawn is the true maximum drawdown. The peak starts at the starting cash, as in
 * computeMetrics, so the chart and the "Max drawdown" metric agree; no positive peak, nothing to lose.
 */
function drawdownOf(equity: ArrayLike<number>, startingCash: number): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = Number.isFinite(startingCash) ? startingCash : -Infinity;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    out[i] = peak > 0 ? e / peak - 1 : 0;
  }
  return out;
}

/** A complete, self-contained HTML document: inline CSS and server-drawn SVG, no script, nothing fetched. */
export function renderBacktestReport(input: ReportInput): string {
  const curve = finitePoints(input.equity.time, input.equity.equity);
  const equity = downsampleCurve(curve.time, curve.value, CHART_MAX_POINTS);
  const drawdown = downsampleCurve(curve.time, drawdownOf(curve.value, input.metrics.startingCash), CHART_MAX_POINTS);

  const equityChart = renderChart({
    id: "equity-chart",
    title: "Equity over time (UTC)",
    time: equity.time,
    value: equity.value,
    width: CHART_WIDTH,
    height: 320,
    kind: "line",
    formatValue: (v, step) => formatNumber(v, decimalsForStep(step)),
    emptyText: "No equity data: no bar was simulated.",
  });
  const drawdownChart = renderChart({
    id: "drawdown-chart",
    title: "Drawdown from the running peak (UTC)",
    time: drawdown.time,
    value: drawdown.value,
    width: CHART_WIDTH,
    height: 200,
    kind: "area",
    axisTop: 0,
    formatValue: (v, step) => formatPercent(v, decimalsForStep(step * 100)),
    emptyText: "No drawdown data: no bar was simulated.",
  });

  const summary =
    input.summary.length > 0
      ? html`<section><h2>Summary</h2><dl class="summary">${input.summary.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl></section>`
      : null;
  const noTrades =
    input.trades.length === 0 ? html`<p class="empty"><strong>No trades.</strong> This backtest closed no positions, so there is nothing to break down.</p>` : null;

  // A constant, so it goes in unescaped: <style> content is raw text, where &quot; is not decoded.
  const css = new SafeHtml(REPORT_CSS);
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title} · backtest ${input.id}</title>
<link rel="icon" href="data:,">
<style>${css}</style>
</head>
<body>
<header><h1>${input.title}</h1><p class="meta">Backtest <code>${input.id}</code> · generated ${formatDateTime(input.generatedAt.getTime())} UTC</p></header>
<main>
${noTrades}
<div class="overview">${summary}<section><h2>Metrics</h2>${renderMetricsTable(input.metrics)}</section></div>
<section><h2>Equity</h2>${equityChart}</section>
<section><h2>Drawdown</h2>${drawdownChart}</section>
<section><h2>Trades</h2>${renderTradesTable(input.id, input.trades)}</section>
</main>
<footer>All times are UTC. Prices, quantities and PnL are shown exactly as the backtest recorded them; long curves are drawn from their lowest and highest point in every thin slice of time, so no dip is hidden.</footer>
</body>
</html>
`;
  return page.value;
}
