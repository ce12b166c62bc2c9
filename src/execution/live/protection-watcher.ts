import { heldProtectionOfAccount } from "../../db/repositories/live-orders-repository.js";
import { findStrategyById } from "../../db/repositories/strategies-repository.js";
import { lockSymbol } from "../../db/repositories/symbol-lock.js";
import { findOpenPosition, findOrderById, updateOrder, type StoredOrder } from "../../db/repositories/trading-repository.js";
import { dec, plain } from "../../domain/decimal.js";
import type { MarketRules } from "../../domain/market.js";
import { StrategyConfigSchema } from "../../domain/strategy-config.js";
import { DEFAULT_RISK_LIMITS } from "../../risk/limits.js";
import type { CcxtVenue } from "./ccxt-venue.js";
import { placeLiveOrder, type LiveOrderContext } from "./place-live-order.js";

/** Where a triggered stop's or target's exit order sits among its signal's legs (client order ids). */
const EXIT_LEG_OFFSET = { stop_loss: 3000, take_profit: 4000 } as const;

/**
 * Whether a held stop or target is crossed by `price`: a stop (protecting a long: a sell) fires at
 * or below its price, a target at or above; the other way round for a short's.
 */
export function isTriggered(order: Pick<StoredOrder, "role" | "side" | "stopPrice" | "limitPrice">, price: string): boolean {
  const level = order.role === "stop_loss" ? order.stopPrice : order.limitPrice;
  if (!level) return false;
  const p = dec(price);
  const sells = order.side === "sell";
  if (order.role === "stop_loss") return sells ? p.lte(level) : p.gte(level);
  return sells ? p.gte(level) : p.lte(level);
}

/**
 * One pass over an exchange account's held stops and targets: each symbol's last price from the
 * venue, and each crossed one becomes a reduce-only market exit through the same path as a signal's
 * live order (risk engine, intent committed, venue, booking), for what the position still holds.
 * Its client order id derives from the entry's signal, so a pass retried after a crash finds the
 * exit it sent. The held order is then marked done (`cancelled`, TRIGGERED) or, when its exit was
 * refused, `rejected` with the reason: either way it is not fired twice, and a refusal is visible
 * on the trace and in the log. When the exit closes the position, the booking cancels the other one.
 */
export async function watchProtection(ctx: LiveOrderContext, venue: CcxtVenue, accountId: string, rules: ReadonlyMap<string, MarketRules>): Promise<number> {
  const held = await heldProtectionOfAccount(ctx.db, accountId);
  const prices = new Map<string, string | undefined>();
  let fired = 0;
  for (const order of held) {
    if (!prices.has(order.symbol)) {
      const last = await venue.fetchLastPrice(order.symbol);
      prices.set(order.symbol, last.ok ? last.value : undefined);
    }
    const price = prices.get(order.symbol);
    if (!price || !isTriggered(order, price) || !order.signalId) continue;
    if (await fire(ctx, venue, order, price, rules.get(order.symbol))) fired++;
  }
  return fired;
}

async function fire(ctx: LiveOrderContext, venue: CcxtVenue, order: StoredOrder, price: string, rules: MarketRules | undefined): Promise<boolean> {
  const position = await findOpenPosition(ctx.db, order.accountId, order.strategyId, order.symbol);
  const current = await findOrderById(ctx.db, order.id);
  if (!current || current.status !== "submitted") return false;
  if (!position) {
    await ctx.db.transaction(async (tx) => updateOrder(tx, { ...current, status: "cancelled", rejectReason: "POSITION_FLAT", updatedAt: ctx.clock.now() }));
    return false;
  }
  const held = dec(position.quantity).abs();
  const quantity = held.lt(current.quantity) ? plain(held) : current.quantity;
  const strategy = await findStrategyById(ctx.db, order.strategyId);
  const limits = strategy ? StrategyConfigSchema.parse(strategy.config ?? {}).riskLimits : DEFAULT_RISK_LIMITS;
  const result = await placeLiveOrder(
    ctx,
    venue,
    {
      accountId: order.accountId,
      strategyId: order.strategyId,
      symbol: order.symbol,
      side: order.side,
      kind: "market",
      quantity,
      reduceOnly: true,
      role: "exit",
      origin: { signalId: order.signalId ?? order.id },
      leg: EXIT_LEG_OFFSET[order.role as keyof typeof EXIT_LEG_OFFSET] + order.leg,
      limits,
      reference: { price, observedAt: ctx.clock.now() },
    },
    rules,
  );
  const placed = result.order !== null && result.order.status !== "rejected";
  const reason = placed ? "TRIGGERED" : (result.order?.rejectReason ?? result.decision?.reason ?? "EXIT_DENIED");
  await ctx.db.transaction(async (tx) => {
    await lockSymbol(tx, order.symbol);
    const now = await findOrderById(tx, order.id);
    if (now && now.status === "submitted") await updateOrder(tx, { ...now, status: placed ? "cancelled" : "rejected", rejectReason: reason, updatedAt: ctx.clock.now() });
  });
  const log = { accountId: order.accountId, orderId: order.id, role: order.role, price, exitOrderId: result.order?.id ?? null, reason };
  if (placed) ctx.logger.info(log, "live stop or target triggered; exit sent");
  else ctx.logger.error(log, "live stop or target triggered but its exit was refused");
  return placed;
}
