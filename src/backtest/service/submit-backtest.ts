import { hasCandlesIn } from "../../db/repositories/backtest-inputs-repository.js";
import { insertBacktest } from "../../db/repositories/backtests-repository.js";
import { findStrategyById } from "../../db/repositories/strategies-repository.js";
import type { BacktestRow } from "../../db/schema/backtests.js";
import type { MarketRules } from "../../domain/market.js";
import { DEFAULT_STRATEGY_CONFIG } from "../../domain/strategy-config.js";
import { paperMarket } from "../../execution/paper/paper-markets.js";
import { ApiError, type FieldError } from "../../http/errors.js";
import { configOf } from "../../strategy/strategy-service.js";
import { defaultFees, limitErrors, resolveConfig, storedRequest, storedSpec, type BacktestRequest } from "./backtest-spec.js";
import type { BacktestContext } from "./context.js";

const isoDate = (ms: number) => new Date(ms).toISOString();

/**
 * Validates a submission against the configuration, the strategy, the paper venue's markets and the
 * stored candles, then stores it and queues its job in one transaction. Errors come in that order:
 * 400 (every field at once), 404 strategy, 422 market, 422 candles.
 */
export async function submitBacktest({ ctx, input }: { ctx: BacktestContext; input: BacktestRequest }): Promise<BacktestRow> {
  const strategy = input.strategyId ? await findStrategyById(ctx.db, input.strategyId) : undefined;
  const config = resolveConfig(strategy ? configOf(strategy) : DEFAULT_STRATEGY_CONFIG, input.config);
  const invalid = [...limitErrors(input, ctx.limits), ...(config.ok ? [] : config.errors)];
  if (!config.ok || invalid.length > 0) throw new ApiError("VALIDATION_FAILED", "the backtest request is invalid", { errors: invalid });
  if (input.strategyId && !strategy) throw new ApiError("NOT_FOUND", `no strategy with id ${input.strategyId}`);
  const markets = marketsOf(input.symbols);
  await checkCandles(ctx, input);

  const request = storedRequest(input, {
    fees: input.fees ?? defaultFees(markets),
    timeoutSeconds: input.timeoutSeconds ?? ctx.limits.timeoutSeconds,
  });
  const id = ctx.ids.next("bt");
  const row = await ctx.db.transaction(async (tx) => {
    const inserted = await insertBacktest(tx, {
      id,
      status: "queued",
      strategyId: strategy?.id ?? null,
      request,
      spec: storedSpec(request, config.config),
      timeoutSeconds: request.timeoutSeconds,
      createdAt: ctx.clock.now(),
    });
    await ctx.jobs.enqueue(tx, id);
    return inserted;
  });
  ctx.jobs.wake();
  return row;
}

/** Every backtest trades on the paper venue's markets, whatever the strategy's mode. */
function marketsOf(symbols: readonly string[]): MarketRules[] {
  const markets = symbols.map((symbol) => paperMarket(symbol));
  const unknown = symbols.filter((_, i) => !markets[i]);
  if (unknown.length > 0) {
    const errors: FieldError[] = symbols.flatMap((symbol, i) => (markets[i] ? [] : [{ path: `symbols.${i}`, message: `${symbol} has no market rules on the paper venue` }]));
    throw new ApiError("UNKNOWN_MARKET", `backtests run on the paper venue's markets, which do not include ${unknown.join(", ")}`, { errors });
  }
  return markets.filter((m): m is MarketRules => m !== undefined);
}

/** A symbol with no candle at all in the range cannot be backtested; gaps inside the range are the data's. */
async function checkCandles(ctx: BacktestContext, input: BacktestRequest): Promise<void> {
  const range = { from: new Date(input.from), to: new Date(input.to) };
  const errors: FieldError[] = [];
  for (const [i, symbol] of input.symbols.entries()) {
    if (await hasCandlesIn(ctx.db, { symbol, timeframe: input.timeframe, ...range })) continue;
    errors.push({ path: `symbols.${i}`, message: `no ${input.timeframe} candles for ${symbol} from ${isoDate(input.from)} to ${isoDate(input.to)}` });
  }
  if (errors.length > 0) {
    throw new ApiError("CANDLES_MISSING", `${errors.map((m) => m.message).join("; ")}: import them with POST /v1/candles/import`, { errors });
  }
}
