import { insertBacktest } from "../../db/repositories/backtests-repository.js";
import { findStrategyById } from "../../db/repositories/strategies-repository.js";
import type { BacktestRow } from "../../db/schema/backtests.js";
import { DEFAULT_STRATEGY_CONFIG } from "../../domain/strategy-config.js";
import { ApiError } from "../../http/errors.js";
import { configOf } from "../../strategy/strategy-service.js";
import { defaultFees, limitErrors, resolveConfig, storedRequest, storedSpec, type BacktestRequest } from "./backtest-spec.js";
import { checkCandlesIn, paperMarketsOf } from "./backtest-checks.js";
import type { BacktestContext } from "./context.js";
import { queueJob } from "./job-service.js";

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
  const markets = paperMarketsOf(input.symbols);
  await checkCandlesIn(ctx.db, input);

  const request = storedRequest(input, {
    fees: input.fees ?? defaultFees(markets),
    timeoutSeconds: input.timeoutSeconds ?? ctx.limits.timeoutSeconds,
  });
  const id = ctx.ids.next("bt");
  return queueJob(
    ctx,
    (tx) =>
      insertBacktest(tx, {
        id,
        status: "queued",
        strategyId: strategy?.id ?? null,
        request,
        spec: storedSpec(request, config.config),
        timeoutSeconds: request.timeoutSeconds,
        createdAt: ctx.clock.now(),
      }),
    (tx) => ctx.jobs.enqueue(tx, id),
  );
}
