import { ExchangeNotAvailable, functions, OrderNotFound, RequestTimeout, type Exchange } from "ccxt";
import { describe, expect, it } from "vitest";
import { createCcxtVenue, type SubmitOrderInput } from "../../src/execution/live/index.js";

/** A scripted stand-in for a ccxt exchange: each call pops the next scripted outcome. */
function fakeExchange(script: { create: Array<() => unknown>; lookup: Array<() => unknown>; has?: Record<string, boolean> }) {
  const calls: string[] = [];
  const order = { id: "42", clientOrderId: "cid-1", symbol: "BTC/USDT", side: "buy", type: "market", status: "closed", amount: 0.01, filled: 0.01, average: 50000, fees: [] };
  const ex = {
    id: "fake",
    apiKey: "fake-api-key-123456",
    secret: "fake-secret-abcdef",
    precisionMode: functions.TICK_SIZE,
    has: { fetchOrder: true, fetchOpenOrders: true, fetchClosedOrders: false, ...script.has },
    last_response_headers: undefined,
    loadMarkets: async () => ({
      "BTC/USDT": { symbol: "BTC/USDT", base: "BTC", quote: "USDT", active: true, spot: true, maker: 0.001, taker: 0.001, precision: { amount: 0.00001, price: 0.01 }, limits: {} },
    }),
    amountToPrecision: (_s: string, a: number) => String(a),
    priceToPrecision: (_s: string, p: number) => String(p),
    createOrder: async () => {
      calls.push("create");
      const next = script.create.shift()!();
      return next === "order" ? order : next;
    },
    fetchOrder: async () => {
      calls.push("fetchOrder");
      const next = script.lookup.shift()!();
      return next === "order" ? order : next;
    },
    fetchOpenOrders: async () => {
      calls.push("fetchOpenOrders");
      return [];
    },
  };
  return { ex: ex as unknown as Exchange, calls, order };
}

const input: SubmitOrderInput = { clientOrderId: "cid-1", symbol: "BTC/USDT", side: "buy", kind: "market", quantity: "0.01", referencePrice: "50000" };
const raise = (e: Error) => () => {
  throw e;
};

function venueOn(ex: Exchange) {
  let now = 0;
  const waits: number[] = [];
  const venue = createCcxtVenue({
    exchange: ex,
    accountId: "acc_1",
    clock: { now: () => new Date(now) },
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    random: () => 0,
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
    breaker: { failureThreshold: 50, coolDownMs: 1_000 },
    ambiguousSettleMs: 5_000,
  });
  return { venue, waits };
}

describe("submit after an ambiguous failure", () => {
  it("never resends when the lookup cannot answer: the outcome is unknown", async () => {
    const { ex, calls } = fakeExchange({
      create: [raise(new RequestTimeout("timed out"))],
      lookup: [raise(new ExchangeNotAvailable("503")), raise(new ExchangeNotAvailable("503")), raise(new ExchangeNotAvailable("503"))],
    });
    const result = await venueOn(ex).venue.submitOrder(input);
    expect(result).toMatchObject({ status: "unknown", reason: "VENUE_OUTCOME_UNKNOWN" });
    expect(calls.filter((c) => c === "create")).toHaveLength(1);
  });

  it("an order that lands after the first not-found is found by the second lookup, after the receive window", async () => {
    const { ex, calls } = fakeExchange({
      create: [raise(new RequestTimeout("timed out"))],
      lookup: [raise(new OrderNotFound("-2013")), () => "order"],
    });
    const { venue, waits } = venueOn(ex);
    const result = await venue.submitOrder(input);
    expect(result).toMatchObject({ status: "accepted", recovered: "lookup", order: { venueOrderId: "42", filled: "0.01" } });
    expect(calls).toEqual(["create", "fetchOrder", "fetchOrder"]);
    expect(waits).toEqual([5_000]);
  });

  it("without fetchOrder, an open-orders list alone cannot prove absence: unknown, not resent", async () => {
    const { ex, calls } = fakeExchange({ create: [raise(new RequestTimeout("timed out"))], lookup: [], has: { fetchOrder: false } });
    const result = await venueOn(ex).venue.submitOrder(input);
    expect(result).toMatchObject({ status: "unknown" });
    expect(calls).toEqual(["create", "fetchOpenOrders"]);
  });

  it("resends only after two not-found lookups, and stops at max attempts", async () => {
    const notFound = raise(new OrderNotFound("-2013"));
    const { ex, calls } = fakeExchange({
      create: [raise(new ExchangeNotAvailable("503")), raise(new ExchangeNotAvailable("503")), raise(new ExchangeNotAvailable("503"))],
      lookup: [notFound, notFound, notFound, notFound, notFound, notFound],
    });
    const result = await venueOn(ex).venue.submitOrder(input);
    expect(result).toMatchObject({ status: "unavailable", reason: "VENUE_UNAVAILABLE" });
    expect(calls.join(",")).toBe("create,fetchOrder,fetchOrder,create,fetchOrder,fetchOrder,create,fetchOrder,fetchOrder");
    expect(JSON.stringify(result)).not.toContain("fake-secret");
  });
});
