import type { ClaimedSignal } from "../db/repositories/signal-queue-repository.js";
import { lockForOrder } from "../db/repositories/order-snapshot-repository.js";
import { loadSignalContext } from "../db/repositories/signal-context-repository.js";
import type { Db } from "../db/client.js";
import { rawQuery } from "../db/raw-query.js";
import { plain } from "../domain/decimal.js";
import { applyPriceEvent, type PaperVenueContext } from "../execution/paper/paper-venue.js";
import { paperMarket } from "../execution/paper/paper-markets.js";
import { placeOrderWithin, type QuantityDenial } from "../execution/place-order.js";
import type { IdSource } from "../lib/ids.js";
import { sizeOrder } from "../risk/sizing.js";
import { planOrders, type PlannedOrder } from "./manager/index.js";
import { StrategyConfigSchema } from "../domain/strategy-config.js";

export const PAPER_ACCOUNT_ID = "acc_paper";

/** The mode of a strategy whose stored configuration has none, from the schema's own default. */
const DEFAULT_MODE = StrategyConfigSchema.parse({}).mode;

export type HandlerContext = PaperVenueContext & { ids: IdSource };

type LegResult = { leg: number; role: string; outcome: string; reason: string | null; orderId?: string; filled?: string };

/**
 * The pipeline after ingestion, for one claimed signal: price update → strategy manager → sizing →
 * risk engine → paper execution. Every decision is stored, denials included (invariant 5); the
 * returned summary goes on the signal as its result. A denied leg stops the plan, so a reversal
 * whose exit is refused never opens the other side.
 *
 * It runs inside the worker's transaction (`tx`), which also finishes the signal: the signal's
 * orders, fills and decisions commit together with its "processed", or not at all.
 */
export async function handleSignal(ctx: HandlerContext, claimed: ClaimedSignal, tx: Db): Promise<Record<string, unknown>> {
  const query = rawQuery(tx);
  const { signal, symbol } = claimed;
  // A signal's price is market data: recorded with the context read (for a strategy on paper), and
  // matched against resting orders before the strategy decides, since it may trigger their stops.
  const load = (price: { value: string; observedAt: Date } | undefined) =>
    loadSignalContext(query, { strategyId: claimed.strategyId, symbol, price, defaultAccountId: PAPER_ACCOUNT_ID, defaultMode: DEFAULT_MODE });
  let loaded = await load(signal.referencePrice ? { value: signal.referencePrice, observedAt: claimed.receivedAt } : undefined);
  if (!loaded) return { outcome: "SKIPPED", reason: "STRATEGY_UNKNOWN" };
  const config = StrategyConfigSchema.parse(loaded.config);
  if (config.mode === "disabled") return { outcome: "SKIPPED", reason: "STRATEGY_MODE_DISABLED" };
  if (config.mode === "live") return { outcome: "SKIPPED", reason: "LIVE_VENUE_NOT_CONFIGURED" };
  if (signal.referencePrice && loaded.resting) {
    // Only then can the position read above have moved. The kill switch's lock first, as every
    // order does: the locks live until the transaction ends, and the other order could deadlock.
    await lockForOrder(query, symbol);
    await applyPriceEvent({ ...ctx, db: tx }, symbol, signal.referencePrice);
    loaded = (await load(undefined)) ?? loaded;
  }
  const accountId = config.accountId ?? PAPER_ACCOUNT_ID;
  const referencePrice = signal.referencePrice ?? loaded.lastPrice;
  const rules = paperMarket(symbol);
  const position = loaded.positionQuantity !== undefined ? { quantity: loaded.positionQuantity } : undefined;

  const plan = rules ? planOrders({ signal, config, position, rules, referencePrice }) : undefined;
  if (plan?.noop) return { outcome: "NO_ACTION", reason: plan.noop.code, detail: plan.noop.detail, notes: plan.notes };

  const legs: LegResult[] = [];
  const planned: PlannedOrder[] = plan?.orders ?? [unknownMarketLeg(signal.intent.action === "close")];
  const reference = signal.referencePrice ? { price: signal.referencePrice, observedAt: claimed.receivedAt } : undefined;
  for (const leg of planned) {
    const { decision, order } = await placeOrderWithin(tx, {
      ctx,
      input: {
        accountId,
        strategyId: claimed.strategyId,
        symbol,
        side: leg.side,
        kind: leg.kind,
        quantity:
          leg.quantity.type === "exact"
            ? leg.quantity.value
            : ({ equity, referencePrice }) => sized(leg, config.sizing, referencePrice, equity, position?.quantity, rules),
        limitPrice: leg.limitPrice,
        reduceOnly: leg.reduceOnly,
        role: leg.role,
        origin: { signalId: claimed.id },
        leg: leg.leg,
        stopLoss: leg.stopLoss?.price,
        takeProfit: leg.takeProfit?.price,
        limits: config.riskLimits,
        reference,
      },
    });
    const outcome = order ? (decision?.outcome ?? "approved") : "denied";
    legs.push({ leg: leg.leg, role: leg.role, outcome, reason: decision?.reason ?? null, ...(order ? { orderId: order.id, filled: order.filledQuantity } : {}) });
    if (!order) break;
  }
  const denied = legs.some((l) => l.outcome === "denied");
  return { outcome: denied ? (legs.length > 1 ? "PARTIALLY_EXECUTED" : "DENIED") : "EXECUTED", legs, notes: plan?.notes ?? [] };
}

/** Without market rules nothing can be planned; one leg stands in so the denial is decided and stored. */
function unknownMarketLeg(exit: boolean): PlannedOrder {
  return { role: exit ? "exit" : "entry", side: "buy", kind: "market", quantity: { type: "exact", value: "0" }, reduceOnly: exit, leg: 0 };
}

function sized(
  leg: PlannedOrder,
  policy: Parameters<typeof sizeOrder>[0]["policy"],
  referencePrice: string | undefined,
  equity: string,
  positionQuantity: string | undefined,
  rules: NonNullable<ReturnType<typeof paperMarket>> | undefined,
): string | QuantityDenial {
  if (!rules) return { reason: "UNKNOWN_MARKET", detail: "no market rules" };
  const signalQuantity = leg.quantity.type === "sized" ? leg.quantity.signalQuantity : undefined;
  const result = sizeOrder({
    ...(signalQuantity ? { signalQuantity } : {}),
    policy,
    ...(referencePrice ? { referencePrice } : {}),
    ...(leg.stopLoss ? { stopPrice: leg.stopLoss.price } : {}),
    equity,
    positionQuantity: positionQuantity ?? "0",
    rules,
  });
  return result.ok ? plain(result.quantity) : { reason: result.reason, limit: result.limit, detail: result.detail };
}
