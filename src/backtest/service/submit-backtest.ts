import { hasCandlesIn } from "../../db/repositories/backtest-inputs-repository.js";
import { insertBacktest } from "../../db/repositories/backtests-repository.js";
import { findStrategyById } from "../../db/repositories/strategies-repository.js";
import type { BacktestRow } from "../../db/schema/backtests.js";
import { DEFAULT_STRATEGY_CONFIG } from "../../domain/strategy-config.js";
import { paperMarket } from "../../execution/paper/paper-markets.js";
import { ApiError, type FieldError } from "../../http/errors.js";
import type { IdPrefix } from "../../lib/ids.js";
import { configOf } from "../../strategy/strategy-service.js";
import { defaultFees, limitErrors, resolveConfig, storedRequest, storedSpec, type BacktestRequest } from "./backtest-spec.js";
import type { BacktestContext } from "./context.js";

// "bt" is not yet in lib/ids.ts's IdPrefix union; the id source itself takes any prefix.
const BACKTEST_PREFIX = "bt" as IdPrefix;

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
  if (invalid.length > 0) throw new ApiError("VALIDATION_FAILED", "the backtest request is invalid", { errors: invalid });
  if (input.strategyId && !strategy) throw new ApiError("NOT_FOUND", `no strategy with id ${input.strategyId}`);
  if (!config.ok) throw new Error("unreachable: an invalid configuration was refused above");

  const markets = input.symbols.map((symbol) => paperMarket(symbol));
  const unknown: FieldError[] = input.symbols.flatMap((symbol, i) =>
    markets[i] ? [] : [{ path: `symbols.${i}`, message: `${symbol} has no market rules on the paper venue` }],
  );
  if (unknown.length > 0) {
    throw new ApiError("UNKNOWN_MARKET", `backtests run on the paper venue's markets; it lists no ${unknown.length > 1 ? "markets" : "market"} for ${unknownSymbols(input, unknown)}`, {
      errors: unknown,
    });
  }

  const range = { from: new Date(input.from), to: new Date(input.to) };
  const missing: FieldError[] = [];
  for (const [i, symbol] of input.symbols.entries()) {
    if (await hasCandlesIn(ctx.db, { symbol, timeframe: input.timeframe, ...range })) continue;
    missing.push({ path: `symbols.${i}`, message: `no ${input.timeframe} candles for ${symbol} from ${isoDate(input.from)} to ${isoDate(input.to)}` });
  }
  if (missing.length > 0) {
    throw new ApiError("CANDLES_MISSING", `${missing.map((m) => m.message).join("; ")}: import them with POST /v1/candles/import`, { errors: missing });
  }

  const request = storedRequest(input, {
    fees: input.fees ?? defaultFees(markets.flatMap((m) => (m ? [m] : []))),
    timeoutSeconds: input.timeoutSeconds ?? ctx.limits.timeoutSeconds,
  });
  const id = ctx.ids.next(BACKTEST_PREFIX);
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

function unknownSymbols(input: BacktestRequest, errors: FieldError[]): string {
  return errors.map((e) => input.symbols[Number(e.path.split(".")[1])]).join(", ");
}
