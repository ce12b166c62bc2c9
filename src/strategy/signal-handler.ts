import type { ClaimedSignal } from "../db/repositories/signal-queue-repository.js";
import { lockForOrder } from "../db/repositories/order-snapshot-repository.js";
import { findOpenPosition } from "../db/repositories/trading-repository.js";
import { loadSignalContext, type SignalContext } from "../db/repositories/signal-context-repository.js";
import type { Db } from "../db/client.js";
import { rawQuery } from "../db/raw-query.js";
import type { MarketRules } from "../domain/market.js";
import { StrategyConfigSchema, type StrategyConfig } from "../domain/strategy-config.js";
import { cancelLiveLaneEntries } from "../execution/live/cancel-live-order.js";
import { placeLiveOrder } from "../execution/live/place-live-order.js";
import type { LiveVenues } from "../execution/live/live-venues-port.js";
import { AccountIncrements } from "../execution/paper/account-increments.js";
import { issue } from "../execution/paper/paper-booking.js";
import { applyPriceEvent, type PaperVenueContext } from "../execution/paper/paper-venue.js";
import { WritesBehind } from "../execution/paper/writes-behind.js";
import { paperMarket } from "../execution/paper/paper-markets.js";
import { cancelLaneEntries } from "../execution/paper/cancel-lane-entries.js";
import { placeOrderWithin, type PlaceOrderInput, type PlaceOrderResult } from "../execution/place-order.js";
import type { CompleteSignal } from "../ingest/queue/signal-worker.js";
import type { IdSource } from "../lib/ids.js";
import type { Logger } from "../lib/logger.js";
import { countLiveOrder } from "../metrics/count-live-order.js";
import { stageTradingMetrics } from "../metrics/staged.js";
import type { PlanNote } from "./manager/index.js";
import type { SignalResult } from "./run-plan.js";
import { ENTRY_ORDER_CANCELLED_BY_SIGNAL, supersedeEntries } from "./superseded-entries.js";
import { tradeSignal } from "./trade-signal.js";

export const PAPER_ACCOUNT_ID = "acc_paper";

/** The mode of a strategy whose stored configuration has none, from the schema's own default. */
const DEFAULT_MODE = StrategyConfigSchema.parse({}).mode;

export type HandlerContext = PaperVenueContext & { ids: IdSource; logger: Logger; liveVenues: LiveVenues };

/** A live signal, read and checked in the first transaction, traded after it committed. */
type LiveWork = { config: StrategyConfig; loaded: SignalContext };

/**
 * The pipeline after ingestion, for one claimed signal: price update → strategy manager → sizing →
 * risk engine → execution. Every decision is stored, denials included (invariant 5); the summary
 * goes on the signal as its result. A denied leg stops the plan, so a reversal whose exit is
 * refused never opens the other side.
 *
 * On paper, everything, the signal's "processed" included, is one transaction: a crash or an error
 * leaves none of it. A live strategy's orders go to an exchange, and an order's intent must be
 * committed before it is sent (so a crash never ends in a blind resubmission): the first
 * transaction only reads, each order then has its own, and a last one completes the signal.
 */
export async function handleSignal(ctx: HandlerContext, claimed: ClaimedSignal, complete: CompleteSignal): Promise<void> {
  // Paper work is counted once its transaction commits: a rolled-back attempt is processed again.
  const staged = stageTradingMetrics(ctx.metrics);
  // The legs' account increments are written once, with the signal's last statement (see account-increments.ts).
  const increments = new AccountIncrements();
  // Each leg's booking is sent without waiting for it; all are settled before the last statements.
  const behind = new WritesBehind();
  const paper = { ...ctx, metrics: staged.metrics, accountIncrements: increments, writesBehind: behind };
  const live = await ctx.db.transaction((tx) => settlingOnFailure(behind, () => paperOrLive(tx)));
  staged.commit();
  if (!live) return;
  const result = await tradeLive(ctx, claimed, live);
  await ctx.db.transaction((tx) => complete(tx, result));

  async function paperOrLive(tx: Db): Promise<LiveWork | undefined> {
    const query = rawQuery(tx);
    const { signal, symbol } = claimed;
    // A signal's price is market data: recorded with the context read (unless the strategy is
    // disabled), and matched against the paper venue's resting orders before the strategy decides,
    // since it may trigger their stops.
    const load = (price: { value: string; observedAt: Date } | undefined) =>
      loadSignalContext(query, { strategyId: claimed.strategyId, symbol, price, defaultAccountId: PAPER_ACCOUNT_ID, defaultMode: DEFAULT_MODE });
    let loaded = await load(signal.referencePrice ? { value: signal.referencePrice, observedAt: claimed.receivedAt } : undefined);
    const done = async (result: SignalResult) => {
      // The account rows last: whoever else trades on the account waits for their lock until this commits.
      const last = issue(query, [() => complete(tx, result), ...increments.takeWrites()]);
      behind.add(last);
      await behind.settle();
      return undefined;
    };
    if (!loaded) return done({ outcome: "SKIPPED", reason: "STRATEGY_UNKNOWN" });
    const config = StrategyConfigSchema.parse(loaded.config);
    if (config.mode === "disabled") return done({ outcome: "SKIPPED", reason: "STRATEGY_MODE_DISABLED" });
    if (config.mode === "live") return { config, loaded };
    let notes: PlanNote[] = [];
    if (loaded.resting) {
      // Only then can the position read above have moved (a price event fills them): read it again
      // under the lock. The kill switch's lock first, as every order does: the locks live until the
      // transaction ends, and the other order could deadlock.
      await lockForOrder(tx, query, symbol);
      if (signal.referencePrice) await applyPriceEvent({ ...paper, db: tx }, symbol, signal.referencePrice);
      loaded = (await load(undefined)) ?? loaded;
      // An earlier signal's entry still resting must not open after this one, nor net against it.
      const lane = { accountId: config.accountId ?? PAPER_ACCOUNT_ID, strategyId: claimed.strategyId, symbol };
      notes = await supersedeEntries(signal.intent, (sides) => cancelLaneEntries(paper, tx, lane, sides, ctx.clock.now(), ENTRY_ORDER_CANCELLED_BY_SIGNAL));
    }
    const result = await trade(claimed, config, loaded, paperMarket(symbol), (input) => placeOrderWithin(tx, { ctx: paper, input }), notes);
    return done(result);
  }
}

/**
 * Runs `work`; when it fails, a booking sent before it that failed first is the error to report:
 * the statement that threw may only have found the transaction already aborted by that booking.
 */
async function settlingOnFailure<T>(behind: WritesBehind, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    await behind.settle();
    throw err;
  }
}

async function tradeLive(ctx: HandlerContext, claimed: ClaimedSignal, { config, loaded }: LiveWork): Promise<SignalResult> {
  const accountId = config.accountId ?? PAPER_ACCOUNT_ID;
  const venue = ctx.liveVenues.venueOf(accountId);
  if (!venue) return { outcome: "SKIPPED", reason: "LIVE_VENUE_NOT_CONFIGURED", detail: `no exchange account '${accountId}' is configured` };
  const markets = await venue.loadMarkets();
  // Without the venue's rules nothing can be sized or checked: the plan's legs are denied UNKNOWN_MARKET.
  const rules = markets.ok ? markets.value.get(claimed.symbol) : undefined;
  // An earlier signal's entry still working at the exchange must not open after this one, nor net
  // against it: cancelled there first, as the paper venue cancels its own.
  const lane = { accountId, strategyId: claimed.strategyId, symbol: claimed.symbol };
  const notCancelled: PlanNote[] = [];
  const notes = await supersedeEntries(claimed.signal.intent, async (sides) => {
    const done = await cancelLiveLaneEntries(ctx, venue, lane, sides, ENTRY_ORDER_CANCELLED_BY_SIGNAL);
    for (const { order, reason } of done.notCancelled) {
      const detail = `working ${order.side} ${order.kind} entry ${order.id} was not cancelled at the exchange (${reason}): it may still fill`;
      notCancelled.push({ code: "ENTRY_ORDER_NOT_CANCELLED", detail });
    }
    return done.cancelled;
  });
  // A cancel's booking may have booked a fill the entry made first: plan from the position after it.
  const position = notes.length + notCancelled.length > 0 ? (await findOpenPosition(ctx.db, accountId, claimed.strategyId, claimed.symbol))?.quantity : loaded.positionQuantity;
  return trade(claimed, config, { ...loaded, positionQuantity: position }, rules, async (input) => {
    const placed = await placeLiveOrder(ctx, venue, input, rules);
    countLiveOrder(ctx.metrics, placed);
    return placed;
  }, [...notes, ...notCancelled]);
}


function trade(
  claimed: ClaimedSignal,
  config: StrategyConfig,
  loaded: SignalContext,
  rules: MarketRules | undefined,
  place: (input: PlaceOrderInput) => Promise<PlaceOrderResult>,
  notes: readonly PlanNote[] = [],
): Promise<SignalResult> {
  const accountId = config.accountId ?? PAPER_ACCOUNT_ID;
  return tradeSignal({ claimed, config, positionQuantity: loaded.positionQuantity, lastPrice: loaded.lastPrice, rules, accountId, place, notes });
}
