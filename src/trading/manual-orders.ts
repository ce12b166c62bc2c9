import { findStrategyById, findStrategyByKey } from "../db/repositories/strategies-repository.js";
import { lastPrices, type StoredOrder } from "../db/repositories/trading-repository.js";
import type { RiskDecisionRow } from "../db/schema/risk-decisions.js";
import type { StrategyRow } from "../db/schema/strategies.js";
import { dec, isMultipleOf } from "../domain/decimal.js";
import type { OrderSide } from "../domain/order.js";
import { paperMarket } from "../execution/paper/paper-markets.js";
import { placeForAccount } from "./place-for-account.js";
import { ApiError, type FieldError } from "../http/errors.js";
import { PAPER_ACCOUNT_ID } from "../strategy/signal-handler.js";
import { configOf } from "../strategy/strategy-service.js";
import type { TradingContext } from "./context.js";
import { getOrder, type OrderWithFills } from "./order-queries.js";

export type ManualOrderInput = {
  /** A strategy id (stg_…) or key. */
  strategy: string;
  symbol: string;
  side: OrderSide;
  kind: "market" | "limit";
  quantity: string;
  limitPrice?: string | undefined;
  reduceOnly: boolean;
  stopLoss?: string | undefined;
  takeProfit?: string | undefined;
  /** Names the order: the same key places at most one order. */
  idempotencyKey?: string | undefined;
};

export type ManualOrderResult = {
  decision: RiskDecisionRow;
  /** null when the risk engine denied the order: nothing reached the venue. */
  order: OrderWithFills | null;
  /** true when the idempotency key had already placed this order. */
  replayed: boolean;
};

/**
 * An operator's order, through the same risk engine and venue code as a signal's (invariant 6), as
 * leg 0 of a manual origin: an entry, or an exit when reduce-only. With an Idempotency-Key the client
 * order id derives from the key, so a retry finds the order the first attempt placed; without one,
 * every request is a new order. A request that placed nothing (a denial) may be retried under its key.
 */
export async function placeManualOrder({ ctx, input }: { ctx: TradingContext; input: ManualOrderInput }): Promise<ManualOrderResult> {
  const strategy = await requireStrategy(ctx, input.strategy);
  const config = configOf(strategy);
  if (!input.reduceOnly && strategy.allowedSymbols.length > 0 && !strategy.allowedSymbols.includes(input.symbol)) {
    throw invalid("symbol", `not among strategy '${strategy.key}''s allowed symbols (${strategy.allowedSymbols.join(", ")})`);
  }
  await checkProtections(ctx, input);
  // Namespaced, so a client's key can never name a close's order (close:…) or a fresh one.
  const key = input.idempotencyKey ? `idempotency:${input.idempotencyKey}` : `fresh:${ctx.ids.next("ord")}`;
  // On the strategy's account's venue: the paper one, or its exchange (the live path).
  const result = await placeForAccount(ctx, {
    accountId: config.accountId ?? PAPER_ACCOUNT_ID,
    strategyId: strategy.id,
    symbol: input.symbol,
    side: input.side,
    kind: input.kind,
    quantity: input.quantity,
    limitPrice: input.limitPrice,
    reduceOnly: input.reduceOnly,
    role: input.reduceOnly ? "exit" : "entry",
    origin: { manualKey: key },
    leg: 0,
    stopLoss: input.stopLoss,
    takeProfit: input.takeProfit,
    limits: config.riskLimits,
  });
  if (result.duplicate && result.order && !sameRequest(result.order, result.decision, strategy.id, input)) {
    throw new ApiError("CONFLICT", "this Idempotency-Key already placed a different order; use a new key for a new order");
  }
  if (!result.decision) throw new Error(`order ${result.order?.id ?? "?"} has no stored decision`);
  const order = result.order ? await getOrder({ ctx, input: { id: result.order.id } }) : null;
  return { decision: result.decision, order, replayed: result.duplicate };
}

export async function requireStrategy(ctx: TradingContext, ref: string): Promise<StrategyRow> {
  const strategy = ref.startsWith("stg_") ? await findStrategyById(ctx.db, ref) : await findStrategyByKey(ctx.db, ref);
  if (!strategy) throw new ApiError("NOT_FOUND", `no strategy with id or key ${ref}`);
  return strategy;
}

const invalid = (path: string, message: string) => new ApiError("VALIDATION_FAILED", `${path} ${message}`, { errors: [{ path, message }] });

/**
 * Protective prices become resting orders once the entry fills, so they must sit on the market's
 * price grid (the venue would refuse them later) and on the losing and winning side of the entry:
 * the limit price, or for a market order the last price known. Never rounded: the operator said it.
 */
async function checkProtections(ctx: TradingContext, input: ManualOrderInput): Promise<void> {
  const rules = paperMarket(input.symbol);
  if (!rules || (!input.stopLoss && !input.takeProfit)) return;
  const entry = input.limitPrice ?? (await lastPrices(ctx.db, [input.symbol])).get(input.symbol)?.price;
  const errors: FieldError[] = [];
  const long = input.side === "buy";
  for (const [path, price, below] of [
    ["stopLoss", input.stopLoss, long],
    ["takeProfit", input.takeProfit, !long],
  ] as const) {
    if (!price) continue;
    if (!isMultipleOf(price, rules.priceStep)) errors.push({ path, message: `must be a multiple of ${input.symbol}'s price step ${rules.priceStep}` });
    else if (entry && (below ? !dec(price).lt(entry) : !dec(price).gt(entry))) {
      errors.push({ path, message: `must be ${below ? "below" : "above"} the entry price ${entry} of a ${input.side}` });
    }
  }
  if (errors.length > 0) throw new ApiError("VALIDATION_FAILED", "the protective prices do not fit the order", { errors });
}

/** "0.050" asks for what "0.05" asked for; absent and null are the same. */
function sameDecimal(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a == null || b == null) return a == null && b == null;
  return dec(a).eq(b);
}

/** A replay must ask for what the key's order was: the requested quantity is on its decision (before any resize). */
function sameRequest(order: StoredOrder, decision: RiskDecisionRow | null, strategyId: string, input: ManualOrderInput): boolean {
  const requested = (decision?.request as { quantity?: string } | null)?.quantity ?? order.quantity;
  return (
    order.strategyId === strategyId &&
    order.symbol === input.symbol &&
    order.side === input.side &&
    order.kind === input.kind &&
    order.reduceOnly === input.reduceOnly &&
    sameDecimal(requested, input.quantity) &&
    sameDecimal(order.limitPrice, input.limitPrice) &&
    sameDecimal(order.stopLossPrice, input.stopLoss) &&
    sameDecimal(order.takeProfitPrice, input.takeProfit)
  );
}
