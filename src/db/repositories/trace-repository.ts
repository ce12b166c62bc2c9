import { asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../client.js";
import { fills, type FillRow } from "../schema/fills.js";
import { orders, type OrderRow } from "../schema/orders.js";
import { positions, type PositionRow } from "../schema/positions.js";
import { riskDecisions, type RiskDecisionRow } from "../schema/risk-decisions.js";

export type SignalTraceRows = {
  decisions: RiskDecisionRow[];
  orders: OrderRow[];
  fills: FillRow[];
  positions: PositionRow[];
};

/** Everything a signal caused: its risk decisions, its orders and their fills, and the positions they moved. */
export async function signalTraceRows(db: Db, signalId: string): Promise<SignalTraceRows> {
  const decisions = await db.select().from(riskDecisions).where(eq(riskDecisions.signalId, signalId)).orderBy(asc(riskDecisions.leg), asc(riskDecisions.createdAt));
  const orderRows = await db.select().from(orders).where(eq(orders.signalId, signalId)).orderBy(asc(orders.seq));
  const fillRows = orderRows.length
    ? await db.select().from(fills).where(inArray(fills.orderId, orderRows.map((o) => o.id))).orderBy(asc(fills.filledAt))
    : [];
  const positionIds = [...new Set(fillRows.map((f) => f.positionId))];
  const positionRows = positionIds.length ? await db.select().from(positions).where(inArray(positions.id, positionIds)) : [];
  return { decisions, orders: orderRows, fills: fillRows, positions: positionRows };
}
