import type { StatusReport } from "../../../execution/live-status.js";
import type { AccountSummary } from "../../../trading/account-queries.js";

const reportView = <S extends string>(report: StatusReport<S>) => ({
  status: report.status,
  checkedAt: report.checkedAt?.toISOString() ?? null,
  detail: report.detail,
});

/**
 * An account as the API shows it: the stored balances plus their valuation, no internal columns.
 * A live account adds its configuration and venue status, never its credentials.
 */
export const accountView = ({ account, live, priceFeed, ...summary }: AccountSummary) => ({
  id: account.id,
  name: account.name,
  venue: account.venue,
  currency: account.currency,
  startingCash: account.startingCash,
  cash: account.cash,
  fees: account.fees,
  ...summary,
  ...(priceFeed ? { priceFeed: { exchange: priceFeed.exchange, ...reportView(priceFeed) } } : {}),
  ...(live
    ? {
        ...(live.sandbox !== undefined ? { sandbox: live.sandbox } : {}),
        ...(live.marketType !== undefined ? { marketType: live.marketType } : {}),
        credentials: live.credentials,
        health: reportView(live.health),
        reconciliation: reportView(live.reconciliation),
      }
    : {}),
});
