import { describe, expect, it } from "vitest";
import { createRequestBucket } from "../../src/execution/live/request-bucket.js";

/** A clock the bucket's sleeps move forward: what it waited is read off the clock, never timed. */
function fakeTime() {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    pass: (ms: number) => (t += ms),
    slept,
  };
}

describe("createRequestBucket: ccxt's request costs against a token bucket that credits idle time", () => {
  it("serves a burst worth burstMs at once, then one call per cost × msPerUnit", async () => {
    const time = fakeTime();
    // Binance as ccxt prices it: 50 ms per unit; a 1 s burst is 20 units.
    const take = createRequestBucket({ msPerUnit: 50, burstMs: 1000, now: time.now, sleep: time.sleep });
    for (let i = 0; i < 21; i++) await take(1);
    expect(time.slept).toEqual([]);
    await take(1);
    expect(time.now()).toBe(50);
  });

  it("credits a quiet spell: a call after it goes at once, unlike ccxt's leaky bucket", async () => {
    const time = fakeTime();
    const take = createRequestBucket({ msPerUnit: 50, burstMs: 1000, now: time.now, sleep: time.sleep });
    for (let i = 0; i < 25; i++) await take(1);
    const busy = time.now();
    time.pass(10_000);
    await take(0.2);
    expect(time.now()).toBe(busy + 10_000);
  });

  it("serves a call dearer than the whole burst once the bucket is out of debt, and makes the next calls wait for it", async () => {
    const time = fakeTime();
    const take = createRequestBucket({ msPerUnit: 50, burstMs: 1000, now: time.now, sleep: time.sleep });
    await take(40);
    expect(time.now()).toBe(0);
    // 20 units of debt: 1 s before the bucket is level again.
    await take(1);
    expect(time.now()).toBe(1000);
  });

  it("keeps the calls in order when they arrive together", async () => {
    const time = fakeTime();
    const take = createRequestBucket({ msPerUnit: 10, burstMs: 0, now: time.now, sleep: time.sleep });
    const served: number[] = [];
    await Promise.all([1, 2, 3].map((n) => take(1).then(() => served.push(n))));
    expect(served).toEqual([1, 2, 3]);
    expect(time.now()).toBe(20);
  });

  it("meters nothing for an exchange that sets no rate", async () => {
    const time = fakeTime();
    const take = createRequestBucket({ msPerUnit: 0, burstMs: 1000, now: time.now, sleep: time.sleep });
    for (let i = 0; i < 100; i++) await take(5);
    expect(time.slept).toEqual([]);
  });
});
