import { Dec } from "../../domain/decimal.js";
import type { BacktestTrade, ExitReason } from "../types.js";
import { formatDateTime, formatInteger } from "./format.js";
import { html, type SafeHtml } from "./html.js";

/** A page with tens of thousands of rows is slow to open and useless to read; the API has them all. */
export const MAX_TRADE_ROWS = 1000;

const EXIT_LABELS: Record<ExitReason, string> = {
  signal: "signal",
  stop_loss: "stop loss",
  take_profit: "take profit",
  end_of_data: "end of data",
};

/** Sign of a decimal string, for colouring only; the text itself is shown exactly as given. */
function signClass(text: string): string {
  try {
    const d = new Dec(text);
    return d.isZero() ? "" : d.isNeg() ? "neg" : "pos";
  } catch {
    return "";
  }
}

function tradeRow(trade: BacktestTrade, index: number): SafeHtml {
  return html`<tr><td>${index + 1}</td><td>${trade.symbol}</td><td class="side ${trade.side === "short" ? "short" : "long"}">${trade.side}</td><td>${trade.quantity}</td><td>${formatDateTime(trade.entryTime)}</td><td>${trade.entryPrice}</td><td>${formatDateTime(trade.exitTime)}</td><td>${trade.exitPrice}</td><td class="${signClass(trade.realizedPnl)}">${trade.realizedPnl}</td><td>${trade.fees}</td><td class="${signClass(trade.netPnl)}">${trade.netPnl}</td><td>${EXIT_LABELS[trade.exitReason] ?? String(trade.exitReason)}</td><td>${formatInteger(trade.bars)}</td></tr>`;
}

/** `id` is the backtest's, for the pointer to the full list in the API when rows are left out. */
export function renderTradesTable(id: string, trades: readonly BacktestTrade[]): SafeHtml {
  if (trades.length === 0) {
    return html`<p id="no-trades" class="empty">No trades in this backtest.</p>`;
  }
  const shown = trades.slice(0, MAX_TRADE_ROWS);
  const left = trades.length - shown.length;
  const note =
    left > 0
      ? html`<p id="trades-truncated" class="note">Showing the first ${formatInteger(shown.length)} of ${formatInteger(trades.length)} trades; ${formatInteger(left)} more are left out. The full list is at <code>/v1/backtests/${id}/trades</code>.</p>`
      : null;
  return html`<div class="scroll"><table id="trades" class="trades"><thead><tr><th>#</th><th>Symbol</th><th>Side</th><th>Quantity</th><th>Entry (UTC)</th><th>Entry price</th><th>Exit (UTC)</th><th>Exit price</th><th>Realized PnL</th><th>Fees</th><th>Net PnL</th><th>Exit</th><th>Bars</th></tr></thead><tbody>${shown.map(tradeRow)}</tbody></table></div>${note}`;
}
