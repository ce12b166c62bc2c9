import { findAccountRow, insertAccount, renameAccount } from "../db/repositories/accounts-repository.js";
import type { ExchangeAccountConfig } from "../config/exchange-accounts.js";
import type { Db } from "../db/client.js";
import type { Clock } from "../lib/clock.js";

/** A configured live account whose id is taken by an account of another venue or currency: boot stops. */
export class ExchangeAccountConflictError extends Error {}

/**
 * Makes sure each configured live account has its row, with no credentials in it. Balances are the
 * venue's: the row holds 0 cash until the venue module books what the exchange reports. An id that
 * already belongs to another venue (a paper account, another exchange) or currency is refused rather
 * than letting its positions and cash be mixed up with the exchange's.
 */
export async function registerExchangeAccounts(db: Db, accounts: readonly ExchangeAccountConfig[], clock: Clock): Promise<void> {
  for (const account of accounts) {
    const existing = await findAccountRow(db, account.id);
    if (existing) {
      if (existing.venue !== account.exchange || existing.currency !== account.currency) {
        throw new ExchangeAccountConflictError(
          `account '${account.id}' already exists on venue ${existing.venue} in ${existing.currency}; ` +
            `it cannot become a ${account.exchange} account in ${account.currency}: choose another id`,
        );
      }
      if (existing.name !== account.name) await renameAccount(db, account.id, account.name, clock.now());
      continue;
    }
    const now = clock.now();
    await insertAccount(db, {
      id: account.id,
      name: account.name,
      venue: account.exchange,
      currency: account.currency,
      startingCash: "0",
      cash: "0",
      fees: "0",
      createdAt: now,
      updatedAt: now,
    });
  }
}
