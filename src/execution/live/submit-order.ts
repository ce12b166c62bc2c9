import type { MarketRules } from "../../domain/market.js";
import { toVenueOrder } from "./ccxt-convert.js";
import type { VenueDeps } from "./ccxt-venue.js";
import { withRetry } from "./retry.js";
import type { SubmitOrderInput, SubmitResult, VenueOrder, VenueReadError } from "./types.js";

type Prepared = { amount: string; truncated: boolean; price: string | undefined };
type Resolution = { kind: "found"; order: VenueOrder } | { kind: "absent" } | { kind: "unknown"; detail: string };

/**
 * Sends one order intent, at most once live. Transient refusals (rate limit, clock skew) are
 * retried with backoff. An ambiguous failure (timeout, 5xx, dropped connection: the venue may have
 * the order) is resolved by looking the client order id up before anything is resent; a "not
 * found" is trusted only once the receive window since sending has passed, and a lookup that cannot
 * answer stops everything with `unknown`. A client order id this venue already sent, or one the
 * caller flags `mayExist`, is looked up before the first send.
 */
export async function submitWithRecovery(deps: VenueDeps, input: SubmitOrderInput, rules: MarketRules, prepared: Prepared): Promise<SubmitResult> {
  const ex = deps.exchange;
  const accepted = (order: VenueOrder, attempts: number, recovered?: "lookup" | "duplicate"): SubmitResult => ({
    status: "accepted",
    order,
    quantity: prepared.amount,
    truncated: prepared.truncated,
    attempts,
    ...(recovered ? { recovered } : {}),
  });

  if (input.mayExist || deps.sent.has(input.clientOrderId)) {
    const found = await deps.lookup(input.symbol, input.clientOrderId, false);
    if (!found.ok) return unavailableFrom(found.error);
    if (found.value) return accepted(found.value, 0, "lookup");
  }

  const params: Record<string, unknown> = { clientOrderId: input.clientOrderId };
  if (input.reduceOnly && rules.kind !== "spot") params["reduceOnly"] = true;
  // ccxt's unified trigger params: on Binance spot a limit order becomes STOP_LOSS_LIMIT or TAKE_PROFIT_LIMIT.
  if (input.trigger) params[input.trigger.role === "stop_loss" ? "stopLossPrice" : "takeProfitPrice"] = Number(input.trigger.price);
  const amount = Number(prepared.amount);
  const price = prepared.price === undefined ? undefined : Number(prepared.price);

  const result = await withRetry<SubmitResult, SubmitResult>(
    { config: deps.retry, sleep: deps.sleep, random: deps.random, beforeRetry: () => !deps.breaker.isOpen() },
    async (n) => {
      if (!deps.breaker.tryAcquire()) return { done: false, failure: { status: "unavailable", reason: "CIRCUIT_OPEN" }, retryable: false };
      deps.sent.add(input.clientOrderId);
      const sentAt = deps.clock.now().getTime();
      const r = await deps.attempt(() => ex.createOrder(input.symbol, input.kind, input.side, amount, price, params), "submit");
      if (r.ok) return { done: true, value: accepted(toVenueOrder(r.value), n) };
      const f = r.failure;
      if (f.kind === "auth") return { done: false, failure: { status: "unavailable", reason: f.reason, detail: f.detail }, retryable: false };
      if (f.kind === "rejected") {
        // Binance refuses a second open order with the same id: that order is this intent's.
        if (f.reason === "VENUE_DUPLICATE_ORDER") {
          const found = await deps.lookup(input.symbol, input.clientOrderId, true);
          if (found.ok && found.value) return { done: true, value: accepted(found.value, n, "duplicate") };
        }
        return { done: false, failure: { status: "rejected", reason: f.reason, detail: f.detail }, retryable: false };
      }
      if (f.kind === "transient") {
        const failure: SubmitResult =
          f.retryAfterMs === undefined
            ? { status: "unavailable", reason: f.reason, detail: f.detail }
            : { status: "unavailable", reason: f.reason, detail: f.detail, retryAfterMs: f.retryAfterMs };
        return { done: false, failure, retryable: true, retryAfterMs: f.retryAfterMs };
      }
      if (f.kind === "unknown") return { done: false, failure: { status: "unknown", reason: "VENUE_OUTCOME_UNKNOWN", detail: f.detail }, retryable: false };
      const resolution = await resolveAmbiguous(deps, input, sentAt);
      if (resolution.kind === "found") return { done: true, value: accepted(resolution.order, n, "lookup") };
      if (resolution.kind === "unknown") {
        return { done: false, failure: { status: "unknown", reason: "VENUE_OUTCOME_UNKNOWN", detail: `${f.detail}; lookup: ${resolution.detail}` }, retryable: false };
      }
      // Proven absent: sending again cannot make a second order.
      return { done: false, failure: { status: "unavailable", reason: f.reason, detail: f.detail }, retryable: true, retryAfterMs: f.retryAfterMs };
    },
  );
  return result.ok ? result.value : result.failure;
}

async function resolveAmbiguous(deps: VenueDeps, input: SubmitOrderInput, sentAt: number): Promise<Resolution> {
  const once = async (): Promise<Resolution> => {
    const r = await deps.lookup(input.symbol, input.clientOrderId, true);
    if (!r.ok) return { kind: "unknown", detail: r.error.detail };
    return r.value ? { kind: "found", order: r.value } : { kind: "absent" };
  };
  const first = await once();
  if (first.kind !== "absent") return first;
  const wait = sentAt + deps.settleMs - deps.clock.now().getTime();
  if (wait <= 0) return first;
  await deps.sleep(wait);
  return once();
}

/** A read failure before anything was sent, as a submit result. */
export function unavailableFrom(error: VenueReadError): SubmitResult {
  if (error.kind === "rejected") return { status: "rejected", reason: error.reason, detail: error.detail };
  if (error.kind === "unavailable") return { status: "unavailable", reason: "CIRCUIT_OPEN" };
  const retryAfterMs = error.kind === "transient" ? error.retryAfterMs : undefined;
  return retryAfterMs === undefined
    ? { status: "unavailable", reason: error.reason, detail: error.detail }
    : { status: "unavailable", reason: error.reason, detail: error.detail, retryAfterMs };
}
