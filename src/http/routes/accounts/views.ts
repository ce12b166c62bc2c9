import type { AccountSummary } from "../../../trading/account-queries.js";

/** An account as the API shows it: the stored balances plus their valuation, no internal columns. */
export const accountView = ({ account, ...summary }: AccountSummary) => ({
  id: account.id,
  name: account.name,
  venue: account.venue,
  currency: account.currency,
  startingCash: account.startingCash,
  cash: account.cash,
  fees: account.fees,
  ...summary,
});
