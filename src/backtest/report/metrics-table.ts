import type { BacktestMetrics } from "../types.js";
import { formatDuration, formatInteger, formatNumber, formatPercent } from "./format.js";
import { html, type SafeHtml } from "./html.js";

type MetricRow = {
  readonly key: keyof BacktestMetrics;
  readonly label: string;
  /** One line, shown as the row's tooltip: what the number means, so nobody has to guess. */
  readonly definition: string;
  readonly format: (value: number | null) => string;
};

const money = (v: number | null) => formatNumber(v, 2);
const ratio = (v: number | null) => formatNumber(v, 2);

// Definitions follow docs/backtest-metrics.md (computeMetrics); a null there is shown as "—".
export const METRIC_ROWS: readonly MetricRow[] = [
  { key: "startingCash", label: "Starting cash", definition: "Cash in the account before the first bar.", format: money },
  { key: "finalEquity", label: "Final equity", definition: "Equity at the last bar's close: cash plus positions marked at that close.", format: money },
  { key: "totalReturn", label: "Total return", definition: "Final equity / starting cash − 1.", format: formatPercent },
  {
    key: "cagr",
    label: "CAGR",
    definition: "Compound annual growth: (final equity / starting cash)^(1 / years) − 1, from the first bar's open to the last bar's close.",
    format: formatPercent,
  },
  {
    key: "maxDrawdown",
    label: "Max drawdown",
    definition: "Largest fall of equity below its running peak (which starts at the starting cash), as a fraction of that peak.",
    format: formatPercent,
  },
  {
    key: "maxDrawdownDurationMs",
    label: "Max drawdown duration",
    definition: "Longest time from a peak to the first point back at or above it (or to the end, if never regained).",
    format: formatDuration,
  },
  {
    key: "sharpe",
    label: "Sharpe ratio",
    definition: "Mean per-bar return over its standard deviation, annualised by √(bars per year); risk-free rate 0.",
    format: ratio,
  },
  {
    key: "sortino",
    label: "Sortino ratio",
    definition: "Mean per-bar return over the downside deviation (losing bars only, target 0), annualised like Sharpe.",
    format: ratio,
  },
  {
    key: "profitFactor",
    label: "Profit factor",
    definition: "Net PnL of winning trades over the absolute net PnL of losing trades; none without a losing trade.",
    format: ratio,
  },
  { key: "winRate", label: "Win rate", definition: "Trades with a net PnL above zero, divided by all trades.", format: formatPercent },
  { key: "expectancy", label: "Expectancy", definition: "Mean net PnL per trade, in quote currency.", format: money },
  { key: "trades", label: "Trades", definition: "Round trips: each from the fill that opened a position to the fill that closed it.", format: formatInteger },
  { key: "exposure", label: "Exposure", definition: "Fraction of bars with a position open.", format: formatPercent },
  { key: "feesPaid", label: "Fees paid", definition: "Total fees, in quote currency (maker rebates reduce it).", format: money },
];

export function renderMetricsTable(metrics: BacktestMetrics): SafeHtml {
  const rows = METRIC_ROWS.map(({ key, label, definition, format }) => {
    // Metrics arrive from a stored job as JSON: a missing field shows as missing, never as "NaN".
    const raw: unknown = metrics[key];
    const value = typeof raw === "number" ? raw : null;
    return html`<tr title="${definition}"><th scope="row">${label}</th><td>${format(value)}</td></tr>`;
  });
  return html`<table id="metrics" class="metrics"><tbody>${rows}</tbody></table>`;
}
