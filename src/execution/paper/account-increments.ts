import { dec, type Dec } from "../../domain/decimal.js";
import { addToAccountAndDayRows, addToAccountRow, addToDailyPnlRow } from "../../db/repositories/booking-repository.js";
import type { OrderSnapshot } from "../../db/repositories/order-snapshot-repository.js";
import type { Write } from "./paper-booking.js";

/**
 * What fills add to accounts (cash, fees) and to their days (realized PnL, fees), summed. Updating
 * an account row locks it until the transaction ends, and every strategy trading on the shared paper
 * account updates the same row: written at the first leg of a signal, the lock would be held through
 * every later statement of the signal, and the account's lanes would run one at a time. A signal
 * therefore sums its legs' increments here and writes them once, with its last statements; its own
 * later reads (the next leg's snapshot) see them through `applyTo`.
 */
export class AccountIncrements {
  private readonly accounts = new Map<string, { cash: Dec; fees: Dec; at: Date }>();
  private readonly days = new Map<string, { accountId: string; day: string; realized: Dec; fees: Dec }>();

  add(accountId: string, day: string, change: { cash: Dec; fees: Dec; realized: Dec; at: Date }): void {
    const account = this.accounts.get(accountId) ?? { cash: dec(0), fees: dec(0), at: change.at };
    this.accounts.set(accountId, { cash: account.cash.plus(change.cash), fees: account.fees.plus(change.fees), at: change.at });
    const key = `${accountId}\u0000${day}`;
    const daily = this.days.get(key) ?? { accountId, day, realized: dec(0), fees: dec(0) };
    this.days.set(key, { ...daily, realized: daily.realized.plus(change.realized), fees: daily.fees.plus(change.fees) });
  }

  /** A snapshot read in this transaction, as it will be once the increments are written. */
  applyTo(snapshot: OrderSnapshot, day: string): OrderSnapshot {
    const account = snapshot.account;
    if (!account) return snapshot;
    const pending = this.accounts.get(account.id);
    const daily = this.days.get(`${account.id}\u0000${day}`);
    if (!pending && !daily) return snapshot;
    return {
      ...snapshot,
      account: pending ? { ...account, cash: pending.cash.plus(account.cash).toFixed(), fees: pending.fees.plus(account.fees).toFixed() } : account,
      realizedToday: daily ? daily.realized.minus(daily.fees).plus(snapshot.realizedToday).toFixed() : snapshot.realizedToday,
    };
  }

  /** The statements that write the sums; the increments are then empty. */
  takeWrites(): Write[] {
    const writes: Write[] = [];
    for (const [accountId, d] of this.accounts) {
      const days = [...this.days.values()].filter((day) => day.accountId === accountId);
      const [only] = days;
      // The usual case, fills of one day: add() gave that day the account's fees, so one statement writes both.
      if (only && days.length === 1) {
        writes.push((q) => addToAccountAndDayRows(q, { accountId, cashDelta: d.cash.toFixed(), feeDelta: d.fees.toFixed(), at: d.at, day: only.day, realizedDelta: only.realized.toFixed() }));
        continue;
      }
      writes.push((q) => addToAccountRow(q, accountId, d.cash.toFixed(), d.fees.toFixed(), d.at));
      for (const day of days) writes.push((q) => addToDailyPnlRow(q, day.accountId, day.day, day.realized.toFixed(), day.fees.toFixed()));
    }
    this.accounts.clear();
    this.days.clear();
    return writes;
  }
}
