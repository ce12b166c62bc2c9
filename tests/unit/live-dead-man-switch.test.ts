import { ExchangeNotAvailable, type Exchange } from "ccxt";
import { describe, expect, it } from "vitest";
import { createCcxtVenue } from "../../src/execution/live/index.js";

/** Just enough of a ccxt exchange for the dead-man's switch: `has` and the call itself. */
function exchangeWith(has: boolean, outcomes: Array<"ok" | "down"> = []) {
  const calls: number[] = [];
  const ex = {
    id: "fake",
    apiKey: "fake-api-key-123456",
    secret: "fake-secret-abcdef",
    has: { cancelAllOrdersAfter: has },
    last_response_headers: undefined,
    cancelAllOrdersAfter: async (timeout: number) => {
      calls.push(timeout);
      if (outcomes.shift() === "down") throw new ExchangeNotAvailable("fake: 503");
      return {};
    },
  };
  return { ex: ex as unknown as Exchange, calls };
}

const venueOn = (ex: Exchange) =>
  createCcxtVenue({
    exchange: ex,
    accountId: "acc_1",
    clock: { now: () => new Date(0) },
    sleep: async () => {},
    random: () => 0,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    breaker: { failureThreshold: 50, coolDownMs: 1_000 },
  });

describe("the dead-man's switch", () => {
  it("is armed with the timeout where the venue has one", async () => {
    const { ex, calls } = exchangeWith(true);
    expect(await venueOn(ex).armDeadManSwitch(60_000)).toEqual({ ok: true, value: true });
    expect(calls).toEqual([60_000]);
  });

  it("is reported absent, with no call, where the venue has none", async () => {
    const { ex, calls } = exchangeWith(false);
    expect(await venueOn(ex).armDeadManSwitch(60_000)).toEqual({ ok: true, value: false });
    expect(calls).toEqual([]);
  });

  it("retries a transient failure, and reports one that persists", async () => {
    const once = exchangeWith(true, ["down", "ok"]);
    expect(await venueOn(once.ex).armDeadManSwitch(30_000)).toEqual({ ok: true, value: true });
    expect(once.calls).toEqual([30_000, 30_000]);
    const always = exchangeWith(true, ["down", "down"]);
    const result = await venueOn(always.ex).armDeadManSwitch(30_000);
    expect(result.ok).toBe(false);
  });
});
