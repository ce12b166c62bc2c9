import { and, asc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { orders } from "../schema/orders.js";
import { strategies } from "../schema/strategies.js";
import { ON_PAPER, toOrder, type StoredOrder } from "./trading-repository.js";

/** A working limit order with what its strategy says about it now (the config is parsed by the caller). */
export type WorkingLimitRow = { order: StoredOrder; strategyConfig: unknown; strategyEnabled: boolean };

const RESTING = ["submitted", "partially_filled"] as const;

/**
 * Signals' limit entries and exits still resting, of strategies that have a limit fallback set,
 * oldest first. Protection orders (stop_loss, take_profit) and manual orders (no signal) never time
 * out. Working orders are few, so whether each one is due is decided in code, not here.
 */
export async function workingLimitsWithFallback(db: Db): Promise<WorkingLimitRow[]> {
  const rows = await db
    .select({ order: orders, strategyConfig: strategies.config, strategyEnabled: strategies.enabled })
    .from(orders)
    .innerJoin(strategies, eq(strategies.id, orders.strategyId))
    .where(
      and(
        inArray(orders.status, [...RESTING]),
        eq(orders.kind, "limit"),
        inArray(orders.role, ["entry", "exit"]),
        isNotNull(orders.signalId),
        isNull(orders.parentOrderId),
        sql`jsonb_typeof(${strategies.config} -> 'limitFallback') = 'object'`,
        // Paper orders only: an exchange account's limit rests at the exchange, and expiring it here
        // would only change our books.
        ON_PAPER,
      ),
    )
    .orderBy(asc(orders.seq));
  return rows.map((r) => ({ order: toOrder(r.order), strategyConfig: r.strategyConfig, strategyEnabled: r.strategyEnabled }));
}

/**
 * Expires the order only if it is still resting, in one statement: a fill or a cancel that
 * committed first wins, and the caller gets undefined. The returned row carries the filled quantity
 * as of the expiry, which is what the remainder is computed from.
 */
export async function expireRestingOrder(db: Db, id: string, at: Date, reason: string): Promise<StoredOrder | undefined> {
  const [row] = await db
    .update(orders)
    .set({ status: "expired", rejectReason: reason, updatedAt: at })
    .where(and(eq(orders.id, id), inArray(orders.status, [...RESTING])))
    .returning();
  return row ? toOrder(row) : undefined;
}
