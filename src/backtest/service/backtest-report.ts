import { backtestEquityRows, listBacktestTradeRows } from "../../db/repositories/backtests-repository.js";
import type { BacktestTradeRow } from "../../db/schema/backtest-trades.js";
import type { BacktestRow } from "../../db/schema/backtests.js";
import { describeStrategy } from "../../strategy/builtin/registry.js";
import { renderBacktestReport } from "../report/render-report.js";
import type { BacktestMetrics, BacktestTrade, ExitReason } from "../types.js";
import type { StoredRequest } from "./backtest-spec.js";
import { getSucceededBacktest } from "./backtest-queries.js";
import type { BacktestContext } from "./context.js";

/** The report lists the first thousand trades; past this many it stops reading them at all. */
export const REPORT_MAX_TRADES = 100_000;

export function tradeOf(row: BacktestTradeRow): BacktestTrade {
  return {
    symbol: row.symbol,
    side: row.side as BacktestTrade["side"],
    quantity: row.quantity,
    entryTime: row.entryTime.getTime(),
    entryPrice: row.entryPrice,
    exitTime: row.exitTime.getTime(),
    exitPrice: row.exitPrice,
    realizedPnl: row.realizedPnl,
    fees: row.fees,
    netPnl: row.netPnl,
    exitReason: row.exitReason as ExitReason,
    bars: row.bars,
  };
}

/** The succeeded backtest as a self-contained HTML page. */
export async function backtestReport({ ctx, input }: { ctx: BacktestContext; input: { id: string } }): Promise<string> {
  const row = await getSucceededBacktest({ ctx, input });
  const equity = await backtestEquityRows(ctx.db, row.id);
  const trades = await listBacktestTradeRows(ctx.db, { backtestId: row.id, limit: REPORT_MAX_TRADES });
  return renderBacktestReport({
    id: row.id,
    title: titleOf(row.request as StoredRequest),
    summary: summaryOf(row),
    metrics: row.metrics as BacktestMetrics,
    equity: { time: equity.map((p) => p.time.getTime()), equity: equity.map((p) => p.equity) },
    trades: trades.map(tradeOf),
    generatedAt: ctx.clock.now(),
  });
}

function titleOf(request: StoredRequest): string {
  const what = request.replay || !request.strategy ? `Replay of ${request.strategyId}` : describeStrategy(request.strategy);
  return `${what} on ${request.symbols.join(", ")} ${request.timeframe}`;
}

type Summary = { candles: number; signals: number; orders: number; refusals: Record<string, number> };

function summaryOf(row: BacktestRow): Array<[string, string]> {
  const request = row.request as StoredRequest;
  const summary = row.summary as Summary | null;
  const trades = row.tradesCount ?? 0;
  return [
    ["Strategy", request.replay || !request.strategy ? `ledger replay of ${request.strategyId}` : describeStrategy(request.strategy)],
    ...(request.strategyId && !request.replay ? ([["Configuration from", request.strategyId]] as Array<[string, string]>) : []),
    ["Symbols", request.symbols.join(", ")],
    ["Timeframe", request.timeframe],
    ["From", new Date(request.from).toISOString()],
    ["To", new Date(request.to).toISOString()],
    ["Starting cash", request.startingCash],
    ["Fees (maker / taker, bps)", `${request.fees.makerBps} / ${request.fees.takerBps}`],
    ["Slippage (bps)", request.slippageBps],
    ["Fill model", request.fillModel === "next_open" ? "next bar's open" : "this bar's close"],
    ["Candles", String(summary?.candles ?? row.candlesProcessed)],
    ["Signals", String(summary?.signals ?? 0)],
    ["Orders", String(summary?.orders ?? 0)],
    ["Trades", trades > REPORT_MAX_TRADES ? `${trades} (the report reads the first ${REPORT_MAX_TRADES})` : String(trades)],
    ["Trades hash", row.tradesHash ?? ""],
  ];
}
