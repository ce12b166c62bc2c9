import { backtestTradeNetPnls } from "../../db/repositories/research-inputs-repository.js";
import { ApiError } from "../../http/errors.js";
import { MONTE_CARLO_DEFAULT_ITERATIONS } from "../monte-carlo.js";
import { tradeMonteCarlo, type TradeMonteCarloResult } from "../research/trade-monte-carlo.js";
import type { StoredRequest } from "./backtest-spec.js";
import { getSucceededBacktest } from "./backtest-queries.js";
import type { BacktestContext } from "./context.js";

/** The most bootstrap paths one request may ask for. */
export const REQUEST_MAX_ITERATIONS = 20_000;
/**
 * Trades drawn per request, iterations × trades: about 8 ns each, so the bootstrap of a 100 000-trade
 * backtest stays near 0.2 s (200 paths) next to the exact observed figures and the read of its trades.
 */
export const REQUEST_MAX_DRAWS = 20_000_000;

export type BacktestMonteCarlo = TradeMonteCarloResult & { readonly backtestId: string; readonly startingCash: string };

/**
 * The trade bootstrap over a succeeded backtest's trades (409 before). Without `iterations`, 1000 or
 * as many as the draw budget allows for this many trades; asking for more than it allows is a 400
 * naming the most this backtest can take.
 */
export async function backtestMonteCarlo({
  ctx,
  input,
}: {
  ctx: BacktestContext;
  input: { id: string; iterations?: number | undefined; seed: number };
}): Promise<BacktestMonteCarlo> {
  const row = await getSucceededBacktest({ ctx, input });
  const netPnls = await backtestTradeNetPnls(ctx.db, row.id);
  const most = Math.max(1, Math.min(REQUEST_MAX_ITERATIONS, Math.floor(REQUEST_MAX_DRAWS / Math.max(1, netPnls.length))));
  if (input.iterations !== undefined && input.iterations > most) {
    throw new ApiError("VALIDATION_FAILED", "too many iterations for this backtest", {
      errors: [{ path: "iterations", message: `at most ${most} for ${netPnls.length} trades (iterations × trades ≤ ${REQUEST_MAX_DRAWS})` }],
    });
  }
  const { startingCash } = row.request as StoredRequest;
  const result = tradeMonteCarlo(
    { trades: netPnls.map((netPnl) => ({ netPnl })), startingCash },
    { iterations: input.iterations ?? Math.min(MONTE_CARLO_DEFAULT_ITERATIONS, most), seed: input.seed },
  );
  return { backtestId: row.id, startingCash, ...result };
}
