import { and, asc, eq, inArray, isNotNull, isNull, not, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.js";
import { orders } from "../schema/orders.js";
import { strategies } from "../schema/strategies.js";
import { LIMIT_FALLBACK_PENDING } from "./native-protection-repository.js";
import { ON_PAPER, toOrder, type StoredOrder } from "./trading-repository.js";

/** A working limit order with what its strategy says about it now (the config is parsed by the caller). */
export type WorkingLimitRow = { order: StoredOrder; strategyConfig: unknown; strategyEnabled: boolean };

const RESTING = ["submitted", "partially_filled"] as const;

/**
 * Signals' limit entries and exits still resting, of strategies that have a limit fallback set,
 * oldest first. Protection orders (stop_loss, take_profit) and manual orders (no signal) never time
 * out. Working orders are few, so whether each one is due is decided in code, not here.
 */
export function workingLimitsWithFallback(db: Db, venue: "paper" | "live"): Promise<WorkingLimitRow[]> {
  return limitRows(
    db,
    and(
      inArray(orders.status, [...RESTING]),
      sql`jsonb_typeof(${strategies.config} -> 'limitFallback') = 'object'`,
      // An exchange account's limit is expired there first (see live-sweep.ts): only one it holds,
      // with no other step under way.
      venue === "paper" ? ON_PAPER : and(not(ON_PAPER), isNotNull(orders.venueOrderId), isNull(orders.rejectReason)),
    ),
  );
}

/** Exchange accounts' limits whose fallback was started (LIMIT_FALLBACK_PENDING) and not finished: a crash, or a cancel not taken yet. */
export function limitsInFallback(db: Db): Promise<WorkingLimitRow[]> {
  return limitRows(db, and(eq(orders.rejectReason, LIMIT_FALLBACK_PENDING), not(ON_PAPER)));
}

function limitRows(db: Db, where: SQL | undefined): Promise<WorkingLimitRow[]> {
  return db
    .select({ order: orders, strategyConfig: strategies.config, strategyEnabled: strategies.enabled })
    .from(orders)
    .innerJoin(strategies, eq(strategies.id, orders.strategyId))
    .where(and(eq(orders.kind, "limit"), inArray(orders.role, ["entry", "exit"]), isNotNull(orders.signalId), isNull(orders.parentOrderId), where))
    .orderBy(asc(orders.seq))
    .then((rows) => rows.map((r) => ({ order: toOrder(r.order), strategyConfig: r.strategyConfig, strategyEnabled: r.strategyEnabled })));
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
