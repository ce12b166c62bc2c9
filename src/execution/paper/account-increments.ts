import { dec, type Dec } from "../../domain/decimal.js";
import { addToAccountAndDayRows } from "../../db/repositories/booking-repository.js";
import type { DayFlow, OrderSnapshot } from "../../db/repositories/order-snapshot-repository.js";
import type { Write } from "./paper-booking.js";

type DaySums = { accountId: string; day: string; realized: Dec; fees: Dec; flows: Map<string, { quantity: Dec; cost: Dec }> };

/**
 * What fills add to accounts (cash, fees) and to their days (realized PnL, fees, and per symbol the
 * units and cost of the day's fills), summed. Updating an account row locks it until the
 * transaction ends, and every strategy trading on the shared paper account updates the same row:
 * written at the first leg of a signal, the lock would be held through every later statement of the
 * signal, and the account's lanes would run one at a time. A signal therefore sums its legs'
 * increments here and writes them once, with its last statements; its own later reads (the next
 * leg's snapshot) see them through `applyTo`.
 */
export class AccountIncrements {
  private readonly accounts = new Map<string, { cash: Dec; fees: Dec; at: Date }>();
  private readonly days = new Map<string, DaySums>();

  /** `quantity`: the fill's signed base units (contract size applied); its cost is the cash it took, fee included. */
  add(accountId: string, day: string, change: { cash: Dec; fees: Dec; realized: Dec; at: Date; symbol: string; quantity: Dec }): void {
    const account = this.accounts.get(accountId) ?? { cash: dec(0), fees: dec(0), at: change.at };
    this.accounts.set(accountId, { cash: account.cash.plus(change.cash), fees: account.fees.plus(change.fees), at: change.at });
    const key = `${accountId}\u0000${day}`;
    let daily = this.days.get(key);
    if (!daily) this.days.set(key, (daily = { accountId, day, realized: dec(0), fees: dec(0), flows: new Map() }));
    daily.realized = daily.realized.plus(change.realized);
    daily.fees = daily.fees.plus(change.fees);
    const flow = daily.flows.get(change.symbol) ?? { quantity: dec(0), cost: dec(0) };
    daily.flows.set(change.symbol, { quantity: flow.quantity.plus(change.quantity), cost: flow.cost.minus(change.cash) });
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
      dayFlows: daily ? withFlows(snapshot.dayFlows, daily.flows) : snapshot.dayFlows,
    };
  }

  /** The statements that write the sums, one per account and day; the increments are then empty. */
  takeWrites(): Write[] {
    const writes: Write[] = [];
    for (const [accountId, d] of this.accounts) {
      const days = [...this.days.values()].filter((day) => day.accountId === accountId);
      days.forEach((day, i) => {
        // The first day's statement carries the account's cash and fees for all of them.
        const account = i === 0 ? { cashDelta: d.cash.toFixed(), feeDelta: d.fees.toFixed() } : null;
        const flows = [...day.flows].map(([symbol, f]) => ({ symbol, quantity: f.quantity.toFixed(), cost: f.cost.toFixed() }));
        writes.push((q) => addToAccountAndDayRows(q, { accountId, account, at: d.at, day: day.day, realizedDelta: day.realized.toFixed(), dayFeeDelta: day.fees.toFixed(), flows }));
      });
    }
    this.accounts.clear();
    this.days.clear();
    return writes;
  }
}

function withFlows(stored: readonly DayFlow[], pending: DaySums["flows"]): DayFlow[] {
  const merged = new Map(stored.map((f) => [f.symbol, { quantity: dec(f.quantity), cost: dec(f.cost) }]));
  for (const [symbol, f] of pending) {
    const prior = merged.get(symbol);
    merged.set(symbol, prior ? { quantity: prior.quantity.plus(f.quantity), cost: prior.cost.plus(f.cost) } : f);
  }
  return [...merged].map(([symbol, f]) => ({ symbol, quantity: f.quantity.toFixed(), cost: f.cost.toFixed() }));
}
