import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { accounts } from "../schema/accounts.js";
import { backtests } from "../schema/backtests.js";
import { positions } from "../schema/positions.js";
import { strategies } from "../schema/strategies.js";
import { strategyStageChanges, type NewStrategyStageChangeRow, type StrategyStageChangeRow } from "../schema/strategy-stage-changes.js";

export type StrategyStageRow = { id: string; stage: string; config: unknown; createdAt: Date };

/** The strategy's stage with its row locked until the transaction ends, so two changes never interleave. */
export async function lockStrategyStage(db: Db, id: string): Promise<StrategyStageRow | undefined> {
  const [row] = await db
    .select({ id: strategies.id, stage: strategies.stage, config: strategies.config, createdAt: strategies.createdAt })
    .from(strategies)
    .where(eq(strategies.id, id))
    .limit(1)
    .for("update");
  return row;
}

export async function findStrategyStage(db: Db, id: string): Promise<string | undefined> {
  const [row] = await db.select({ stage: strategies.stage }).from(strategies).where(eq(strategies.id, id)).limit(1);
  return row?.stage;
}

export async function setStrategyStage(db: Db, id: string, stage: string): Promise<void> {
  await db.update(strategies).set({ stage }).where(eq(strategies.id, id));
}

export async function insertStageChange(db: Db, row: NewStrategyStageChangeRow): Promise<StrategyStageChangeRow> {
  const [inserted] = await db.insert(strategyStageChanges).values(row).returning();
  if (!inserted) throw new Error("inserting a stage change returned no row");
  return inserted;
}

/** Newest first; `beforeId` continues a previous page. */
export async function listStageChangeRows(
  db: Db,
  filter: { strategyId: string; beforeId?: number | undefined; limit: number },
): Promise<StrategyStageChangeRow[]> {
  const conditions = [eq(strategyStageChanges.strategyId, filter.strategyId)];
  if (filter.beforeId !== undefined) conditions.push(lt(strategyStageChanges.id, filter.beforeId));
  return db
    .select()
    .from(strategyStageChanges)
    .where(and(...conditions))
    .orderBy(desc(strategyStageChanges.id))
    .limit(filter.limit);
}

/** When the strategy last moved into `stage`; undefined when it never did (it was created there). */
export async function lastEntryInto(db: Db, strategyId: string, stage: string): Promise<Date | undefined> {
  const [row] = await db
    .select({ changedAt: strategyStageChanges.changedAt })
    .from(strategyStageChanges)
    .where(and(eq(strategyStageChanges.strategyId, strategyId), eq(strategyStageChanges.toStage, stage)))
    .orderBy(desc(strategyStageChanges.id))
    .limit(1);
  return row?.changedAt;
}

/** The strategy's succeeded backtest that finished last. */
export async function latestSucceededBacktest(db: Db, strategyId: string): Promise<{ id: string; metrics: unknown } | undefined> {
  const [row] = await db
    .select({ id: backtests.id, metrics: backtests.metrics })
    .from(backtests)
    .where(and(eq(backtests.strategyId, strategyId), eq(backtests.status, "succeeded")))
    .orderBy(sql`${backtests.finishedAt} desc nulls last`, desc(backtests.seq))
    .limit(1);
  return row;
}

/**
 * The strategy's positions closed on paper accounts since `since`: how many, and their realized PnL
 * net of fees summed over the winners and (as a magnitude) over the losers, in exact decimal text.
 */
export async function closedPaperResults(db: Db, strategyId: string, since: Date): Promise<{ trades: number; grossWin: string; grossLoss: string }> {
  const net = sql`(${positions.realizedPnl} - ${positions.fees})`;
  const [row] = await db
    .select({
      trades: sql<number>`count(*)::int`,
      grossWin: sql<string>`coalesce(sum(${net}) filter (where ${net} > 0), 0)::text`,
      grossLoss: sql<string>`coalesce(-sum(${net}) filter (where ${net} < 0), 0)::text`,
    })
    .from(positions)
    .innerJoin(accounts, eq(accounts.id, positions.accountId))
    .where(and(eq(positions.strategyId, strategyId), eq(positions.status, "closed"), eq(accounts.venue, "paper"), gte(positions.closedAt, since)));
  return { trades: Number(row?.trades ?? 0), grossWin: row?.grossWin ?? "0", grossLoss: row?.grossLoss ?? "0" };
}
