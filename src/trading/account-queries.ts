import { findAccountRow, openPositionRowsOfAccount, realizedPnlOfAccount } from "../db/repositories/accounts-repository.js";
import { listAccountRows, openPositionRows, realizedPnlByAccount } from "../db/repositories/trading-queries-repository.js";
import { toPosition } from "../db/repositories/trading-repository.js";
import type { AccountRow } from "../db/schema/accounts.js";
import type { PositionRow } from "../db/schema/positions.js";
import { equity, missingMarks } from "../domain/account.js";
import { dec, plain } from "../domain/decimal.js";
import type { MarketType } from "../config/exchange-accounts.js";
import { VENUE_HEALTH, type LiveAccounts, type LiveAccountStatus, type VenueHealth } from "../execution/live-status.js";
import type { PriceFeedStatus } from "../execution/paper/price-feed.js";
import { ApiError } from "../http/errors.js";
import type { TradingContext } from "./context.js";
import { marksFor, pricesOf, valuePosition, type Mark } from "./valuation.js";

export { VENUE_HEALTH, type VenueHealth };

export const ACCOUNT_KINDS = ["paper", "live"] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/**
 * What a live account adds: its configuration (never the credentials: only whether the account is
 * still configured with them) and what the venue module last reported.
 */
export type LiveAccountFacts = LiveAccountStatus & {
  /** Absent when the account is in the database but no longer in the configuration. */
  readonly sandbox?: boolean;
  readonly marketType?: MarketType;
  readonly credentials: "configured" | "not_configured";
};

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
  readonly kind: AccountKind;
  /** Present on live accounts only. */
  readonly live?: LiveAccountFacts;
  /** Paper accounts, when the paper price feed is configured: its exchange and how its last pass went. */
  readonly priceFeed?: PriceFeedStatus;
};

/** The paper venue runs in this process: it is ok, unless the feed its stops and marks wait on cannot price them. */
const paperHealth = (feed: PriceFeedStatus | undefined): VenueHealth => (feed && (feed.status === "degraded" || feed.status === "unavailable") ? feed.status : "ok");

// Every account whose venue is not the paper venue is an exchange account (venue = ccxt exchange id).
const kindOf = (venue: string): AccountKind => (venue === "paper" ? "paper" : "live");

/** Nothing is claimed for a live account until the venue module has reported on it. */
function liveFactsOf(account: AccountRow, live: LiveAccounts | undefined): LiveAccountFacts {
  const configured = live?.accounts.find((a) => a.id === account.id && a.exchange === account.venue);
  const status = live?.status.statusOf(account.id) ?? {
    health: { status: "unknown", checkedAt: null, detail: null },
    reconciliation: { status: "unknown", checkedAt: null, detail: null },
  };
  return configured
    ? { sandbox: configured.sandbox, marketType: configured.marketType, credentials: "configured", ...status }
    : { credentials: "not_configured", ...status };
}

export async function listAccounts({ ctx }: { ctx: TradingContext }): Promise<AccountSummary[]> {
  const [accounts, open, realized] = await Promise.all([listAccountRows(ctx.db), openPositionRows(ctx.db), realizedPnlByAccount(ctx.db)]);
  const marks = await marksFor(ctx.db, open);
  return accounts.map((account) =>
    summarizeAccount(
      account,
      open.filter((p) => p.accountId === account.id),
      realized.get(account.id) ?? "0",
      marks,
      ctx.liveAccounts,
      ctx.paperPriceFeed?.status(),
    ),
  );
}

export async function getAccount({ ctx, input }: { ctx: TradingContext; input: { id: string } }): Promise<AccountSummary> {
  const account = await findAccountRow(ctx.db, input.id);
  if (!account) throw new ApiError("NOT_FOUND", `no account with id ${input.id}`);
  const [held, realized] = await Promise.all([openPositionRowsOfAccount(ctx.db, account.id), realizedPnlOfAccount(ctx.db, account.id)]);
  return summarizeAccount(account, held, realized, await marksFor(ctx.db, held), ctx.liveAccounts, ctx.paperPriceFeed?.status());
}

/** The account's balances valued at `marks`; `held` are its open positions. */
export function summarizeAccount(
  account: AccountRow,
  held: readonly PositionRow[],
  realized: string,
  marks: ReadonlyMap<string, Mark>,
  live?: LiveAccounts,
  priceFeed?: PriceFeedStatus,
): AccountSummary {
  const positions = held.map(toPosition);
  const markRecord = Object.fromEntries(pricesOf(marks));
  const missing = missingMarks(positions, markRecord);
  const unrealized = held.map((p) => valuePosition(p, marks).unrealizedPnl);
  return {
    account,
    equity: missing.length === 0 ? equity(account, positions, markRecord) : null,
    missingMarks: missing,
    realizedPnl: plain(realized),
    unrealizedPnl: unrealized.every((u) => u !== null) ? plain(unrealized.reduce((sum, u) => sum.add(u as string), dec(0))) : null,
    openPositions: held.length,
    // The paper venue lives in this process and database: if this query ran, it is up.
    ...(kindOf(account.venue) === "paper"
      ? { venueHealth: paperHealth(priceFeed), kind: "paper" as const, ...(priceFeed ? { priceFeed } : {}) }
      : (() => {
          const facts = liveFactsOf(account, live);
          return { venueHealth: facts.health.status, kind: "live" as const, live: facts };
        })()),
  };
}
