import { dec, plain, type Dec, type DecimalLike } from "./decimal.js";
import type { MarketRules } from "./market.js";
import type { Fill } from "./order.js";
import { positionValue, signedQuantity, type Position } from "./position.js";

/**
 * A paper account: one cash balance in one quote currency, cash-based accounting for linear
 * instruments. Buying spends the full notional and selling receives it, short selling included, so
 * equity is simply cash plus the signed value of what is held:
 *   equity = startingCash + Σ realized PnL + Σ unrealized PnL − Σ fees.
 */
export type PaperAccount = {
  readonly id: string;
  /** Every market the account trades must be quoted in this currency. */
  readonly currency: string;
  readonly startingCash: string;
  readonly cash: string;
  /** Σ fees of every fill applied, in `currency`. */
  readonly fees: string;
};

/** Mark prices by symbol. */
export type MarkPrices = Readonly<Record<string, DecimalLike>>;

export function openPaperAccount(input: { id: string; currency: string; startingCash: DecimalLike }): PaperAccount {
  const startingCash = plain(input.startingCash);
  return { id: input.id, currency: input.currency, startingCash, cash: startingCash, fees: "0" };
}

/** −(signed quantity × price × contractSize) − fee. */
export function cashDelta(fill: Fill, rules: MarketRules): Dec {
  return signedQuantity(fill).mul(fill.price).mul(rules.contractSize).neg().sub(fill.fee);
}

export function applyFillToCash(account: PaperAccount, fill: Fill, rules: MarketRules): PaperAccount {
  if (fill.accountId !== account.id) throw new RangeError(`fill ${fill.id} belongs to account ${fill.accountId}, not ${account.id}`);
  if (fill.symbol !== rules.symbol) throw new RangeError(`fill ${fill.id} is for ${fill.symbol}, rules are for ${rules.symbol}`);
  if (rules.quote !== account.currency) throw new RangeError(`${rules.symbol} settles in ${rules.quote}, account ${account.id} holds ${account.currency}`);
  return {
    ...account,
    cash: plain(dec(account.cash).add(cashDelta(fill, rules))),
    fees: plain(dec(account.fees).add(fill.fee)),
  };
}

/** Open positions of the account whose symbol has no mark: check before `equity` to deny instead of throw. */
export function missingMarks(positions: readonly Position[], marks: MarkPrices): string[] {
  const symbols = positions.filter((p) => p.status === "open" && !Object.hasOwn(marks, p.symbol)).map((p) => p.symbol);
  return [...new Set(symbols)];
}

/**
 * cash + Σ signed quantity × mark × contractSize over open positions. Without a mark for an open
 * position there is no equity to report, so it throws rather than value the position at anything.
 */
export function equity(account: PaperAccount, positions: readonly Position[], marks: MarkPrices): string {
  let total = dec(account.cash);
  for (const position of positions) {
    if (position.accountId !== account.id) throw new RangeError(`position in ${position.symbol} belongs to account ${position.accountId}, not ${account.id}`);
    if (position.status !== "open") continue;
    const mark = Object.hasOwn(marks, position.symbol) ? marks[position.symbol] : undefined;
    if (mark === undefined) throw new RangeError(`no mark price for ${position.symbol}`);
    total = total.add(positionValue(position, mark));
  }
  return plain(total);
}
