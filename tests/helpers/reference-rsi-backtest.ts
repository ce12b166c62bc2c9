import { Decimal } from "decimal.js";
import { RSI } from "trading-signals";

/**
 * An independent backtest of the long-only RSI strategy, written as plainly as possible for tests
 * to compare the engine against: RSI from trading-signals (not our indicators), crossings decided at
 * a bar's close, market orders filled at the next bar's open, a fixed quote amount per entry
 * truncated to the amount step, a taker fee in basis points, and what is open at the end closed at
 * the last close. It shares no code with the engine.
 */
export type ReferenceTrade = {
  entryTime: number;
  entryPrice: string;
  exitTime: number;
  exitPrice: string;
  quantity: string;
  realizedPnl: string;
  fees: string;
  netPnl: string;
};

export function referenceRsiBacktest(input: {
  rows: string[][];
  timeframeMs: number;
  period: number;
  oversold: number;
  overbought: number;
  notional: string;
  amountStep: string;
  feeBps: string;
}): ReferenceTrade[] {
  const D = Decimal.clone({ precision: 60 });
  const rsi = new RSI(input.period);
  const fee = (q: Decimal, p: Decimal) => q.mul(p).mul(new D(input.feeBps)).div(10_000);
  const trades: ReferenceTrade[] = [];
  let open: { time: number; price: Decimal; quantity: Decimal; fee: Decimal } | null = null;
  let pending: { action: "buy" | "sell"; reference: Decimal } | null = null;
  let previous: number | null = null;
  const close = (time: number, price: Decimal) => {
    if (!open) return;
    const exitFee = fee(open.quantity, price);
    const pnl = open.quantity.mul(price.sub(open.price));
    const fees = open.fee.add(exitFee);
    trades.push({
      entryTime: open.time,
      entryPrice: open.price.toFixed(),
      exitTime: time,
      exitPrice: price.toFixed(),
      quantity: open.quantity.toFixed(),
      realizedPnl: pnl.toFixed(),
      fees: fees.toFixed(),
      netPnl: pnl.sub(fees).toFixed(),
    });
    open = null;
  };
  input.rows.forEach((row, i) => {
    const time = Number(row[0]);
    if (pending) {
      const price = new D(row[1] as string);
      if (pending.action === "buy" && !open) {
        const quantity = new D(input.notional).div(pending.reference).div(input.amountStep).floor().mul(input.amountStep);
        if (quantity.gt(0)) open = { time, price, quantity, fee: fee(quantity, price) };
      } else if (pending.action === "sell") {
        close(time, price);
      }
      pending = null;
    }
    const value = rsi.add(Number(row[4]));
    if (value === null || value === undefined) return;
    const current = Number(value);
    if (previous !== null && previous >= input.oversold && current < input.oversold) pending = { action: "buy", reference: new D(row[4] as string) };
    else if (previous !== null && previous <= input.overbought && current > input.overbought) pending = { action: "sell", reference: new D(row[4] as string) };
    previous = current;
  });
  const last = input.rows[input.rows.length - 1] as string[];
  close(Number(last[0]) + input.timeframeMs, new D(last[4] as string));
  return trades;
}
