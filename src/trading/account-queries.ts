import { listAccountRows, openPositionRows, realizedPnlByAccount } from "../db/repositories/trading-queries-repository.js";
import { toPosition } from "../db/repositories/trading-repository.js";
import type { AccountRow } from "../db/schema/accounts.js";
import { equity, missingMarks } from "../domain/account.js";
import { dec, plain } from "../domain/decimal.js";
import type { TradingContext } from "./context.js";
import { marksFor, valuePosition } from "./valuation.js";

export const VENUE_HEALTH = ["ok", "degraded", "unavailable", "unknown"] as const;
export type VenueHealth = (typeof VENUE_HEALTH)[number];

export type AccountSummary = {
  readonly account: AccountRow;
  /** cash + Σ open position values at their marks; null while any open position has no mark. */
  readonly equity: string | null;
  readonly missingMarks: string[];
  /** Σ realized PnL over the account's positions, open and closed, gross of fees. */
  readonly realizedPnl: string;
  /** Σ unrealized PnL of the open positions; null when one of them cannot be valued. */
  readonly unrealizedPnl: string | null;
  readonly openPositions: number;
  readonly venueHealth: VenueHealth;
};

// The paper venue lives in this process and database: if this query ran, it is up. Live venues
// report their own health once they exist; until then nothing is claimed for them.
const healthOf = (venue: string): VenueHealth => (venue === "paper" ? "ok" : "unknown");

export async function listAccounts({ ctx }: { ctx: TradingContext }): Promise<AccountSummary[]> {
  const [accounts, open, realized] = await Promise.all([listAccountRows(ctx.db), openPositionRows(ctx.db), realizedPnlByAccount(ctx.db)]);
  const marks = await marksFor(ctx.db, open);
  const markRecord = Object.fromEntries(marks);
  return accounts.map((account) => {
    const held = open.filter((p) => p.accountId === account.id);
    const positions = held.map(toPosition);
    const missing = missingMarks(positions, markRecord);
    const unrealized = held.map((p) => valuePosition(p, marks).unrealizedPnl);
    return {
      account,
      equity: missing.length === 0 ? equity(account, positions, markRecord) : null,
      missingMarks: missing,
      realizedPnl: plain(realized.get(account.id) ?? "0"),
      unrealizedPnl: unrealized.every((u) => u !== null) ? plain(unrealized.reduce((sum, u) => sum.add(u as string), dec(0))) : null,
      openPositions: held.length,
      venueHealth: healthOf(account.venue),
    };
  });
}
