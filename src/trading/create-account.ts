import { insertAccount } from "../db/repositories/accounts-repository.js";
import type { AccountRow } from "../db/schema/accounts.js";
import { plain } from "../domain/decimal.js";
import { ApiError } from "../http/errors.js";
import { summarizeAccount, type AccountSummary } from "./account-queries.js";
import type { TradingContext } from "./context.js";

/** Every market the paper venue lists is quoted in USDT, so a paper account can only hold USDT. */
export const PAPER_ACCOUNT_CURRENCIES = ["USDT"] as const;
export type PaperAccountCurrency = (typeof PAPER_ACCOUNT_CURRENCIES)[number];

export type CreateAccountInput = {
  /** Absent: generated from the injected id source. */
  id?: string | undefined;
  name: string;
  currency: PaperAccountCurrency;
  /** A decimal above 0, already validated. */
  startingCash: string;
};

/** Opens a paper account with its starting cash; a strategy trades on it once its `accountId` names it. */
export async function createAccount({ ctx, input }: { ctx: TradingContext; input: CreateAccountInput }): Promise<AccountSummary> {
  const now = ctx.clock.now();
  const startingCash = plain(input.startingCash);
  const row: AccountRow = {
    id: input.id ?? ctx.ids.next("acc"),
    name: input.name,
    venue: "paper",
    currency: input.currency,
    startingCash,
    cash: startingCash,
    fees: "0",
    createdAt: now,
    updatedAt: now,
  };
  if (!(await insertAccount(ctx.db, row))) {
    throw new ApiError("CONFLICT", `an account with id '${row.id}' already exists`);
  }
  // Nothing has traded on a new account yet: it holds its starting cash and no positions.
  return summarizeAccount(row, [], "0", new Map(), undefined, ctx.paperPriceFeed?.status());
}
