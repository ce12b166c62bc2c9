import { findAccountRow, openPositionRowsOfAccount, realizedPnlOfAccount } from "../db/repositories/accounts-repository.js";
import { listAccountRows, openPositionRows, realizedPnlByAccount } from "../db/repositories/trading-queries-repository.js";
import { toPosition } from "../db/repositories/trading-repository.js";
import type { AccountRow } from "../db/schema/accounts.js";
import type { PositionRow } from "../db/schema/positions.js";
import { equity, missingMarks } from "../domain/account.js";
import { dec, plain } from "../domain/decimal.js";
import { ApiError } from "../http/errors.js";
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
  return accounts.map((account) =>
    summarizeAccount(
      account,
      open.filter((p) => p.accountId === account.id),
      realized.get(account.id) ?? "0",
      marks,
    ),
  );
}

export async function getAccount({ ctx, input }: { ctx: TradingContext; input: { id: string } }): Promise<AccountSummary> {
  const account = await findAccountRow(ctx.db, input.id);
  if (!account) throw new ApiError("NOT_FOUND", `no account with id ${input.id}`);
  const [held, realized] = await Promise.all([openPositionRowsOfAccount(ctx.db, account.id), realizedPnlOfAccount(ctx.db, account.id)]);
  return summarizeAccount(account, held, realized, await marksFor(ctx.db, held));
}

/** The account's balances valued at `marks`; `held` are its open positions. */
export function summarizeAccount(account: AccountRow, held: readonly PositionRow[], realized: string, marks: ReadonlyMap<string, string>): AccountSummary {
  const positions = held.map(toPosition);
  const markRecord = Object.fromEntries(marks);
  const missing = missingMarks(positions, markRecord);
  const unrealized = held.map((p) => valuePosition(p, marks).unrealizedPnl);
  return {
    account,
    equity: missing.length === 0 ? equity(account, positions, markRecord) : null,
    missingMarks: missing,
    realizedPnl: plain(realized),
    unrealizedPnl: unrealized.every((u) => u !== null) ? plain(unrealized.reduce((sum, u) => sum.add(u as string), dec(0))) : null,
    openPositions: held.length,
    venueHealth: healthOf(account.venue),
  };
}
