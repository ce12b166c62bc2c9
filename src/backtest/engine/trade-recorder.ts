import { averagePrice, Dec, dec, plain } from "../../domain/decimal.js";
import type { Fill, OrderRole } from "../../domain/order.js";
import type { PositionUpdate } from "../../domain/position.js";
import type { StoredPosition } from "../../db/repositories/trading-repository.js";
import type { BacktestTrade, ExitReason } from "../types.js";

type OpenTrade = {
  side: "long" | "short";
  entryTime: number;
  entryBar: number;
  maxQuantity: Dec;
  exitValue: Dec;
  exitQuantity: Dec;
  realized: Dec;
  fees: Dec;
};

const EXIT_REASON_OF_ROLE: Record<OrderRole, ExitReason> = { entry: "signal", exit: "signal", stop_loss: "stop_loss", take_profit: "take_profit" };

/**
 * Turns the fills a backtest books into round trips, one per position from the fill that opened it
 * to the fill that closed it. Money stays exact: PnL and fees are the position's own decimals.
 */
export class TradeRecorder {
  readonly trades: BacktestTrade[] = [];
  readonly #open = new Map<string, OpenTrade>();
  /** Set while the engine closes what is left at the end of the data. */
  closingAtEnd = false;

  onFill(fill: Fill, role: OrderRole, before: StoredPosition | undefined, update: PositionUpdate, bar: number): void {
    const at = fill.filledAt.getTime();
    const quantity = dec(fill.quantity);
    const trade = this.#open.get(fill.symbol);
    if (!trade) {
      this.#open.set(fill.symbol, this.#start(update.position.quantity, at, bar, dec(fill.fee)));
      return;
    }
    trade.fees = trade.fees.add(fill.fee);
    trade.realized = trade.realized.add(update.realizedPnl);
    const held = dec(before?.quantity ?? "0").abs();
    const adds = (fill.side === "buy") === (trade.side === "long");
    if (adds) {
      trade.maxQuantity = Dec.max(trade.maxQuantity, dec(update.position.quantity).abs());
      return;
    }
    const closing = Dec.min(quantity, held);
    trade.exitValue = trade.exitValue.add(closing.mul(fill.price));
    trade.exitQuantity = trade.exitQuantity.add(closing);
    if (!update.closed && !update.flipped) return;
    this.trades.push(this.#finish(fill.symbol, trade, before, update, at, bar, this.closingAtEnd ? "end_of_data" : EXIT_REASON_OF_ROLE[role]));
    this.#open.delete(fill.symbol);
    // A fill through zero keeps one position; here the other side starts a round trip of its own.
    if (update.flipped) this.#open.set(fill.symbol, this.#start(update.position.quantity, at, bar, dec(0)));
  }

  #start(signedQuantity: string, at: number, bar: number, fee: Dec): OpenTrade {
    const q = dec(signedQuantity);
    return { side: q.isNeg() ? "short" : "long", entryTime: at, entryBar: bar, maxQuantity: q.abs(), exitValue: dec(0), exitQuantity: dec(0), realized: dec(0), fees: fee };
  }

  #finish(symbol: string, trade: OpenTrade, before: StoredPosition | undefined, update: PositionUpdate, at: number, bar: number, exitReason: ExitReason): BacktestTrade {
    // A flip re-enters at the fill price, so the side that closed is priced from before the fill.
    const entryPrice = update.flipped ? (before?.averageEntryPrice ?? update.position.averageEntryPrice) : update.position.averageEntryPrice;
    return {
      symbol,
      side: trade.side,
      quantity: plain(trade.maxQuantity),
      entryTime: trade.entryTime,
      entryPrice,
      exitTime: at,
      exitPrice: plain(averagePrice(trade.exitValue, trade.exitQuantity)),
      realizedPnl: plain(trade.realized),
      fees: plain(trade.fees),
      netPnl: plain(trade.realized.sub(trade.fees)),
      exitReason,
      bars: bar - trade.entryBar,
    };
  }
}
