import { afterEach, describe, expect, it } from "vitest";
import type { KlineSeed } from "./klines.js";
import { startTestExchange, type TestExchange, type TestExchangeOptions } from "./server.js";

const HOUR = 3_600_000;
const T0 = Date.parse("2025-01-01T00:00:00Z");

/** Ten hourly candles from T0, each price a function of its index so a row names itself. */
const SEED: KlineSeed[] = Array.from({ length: 10 }, (_, i) => ({
  openTime: T0 + i * HOUR,
  open: `${100 + i}`,
  high: `${101 + i}.5`,
  low: `${99 + i}`,
  close: `${100 + i}.25`,
  volume: `${i}.125`,
}));

let exchange: TestExchange;

async function start(overrides: Partial<TestExchangeOptions> = {}) {
  exchange = await startTestExchange({ apiKey: "k", secret: "s", ...overrides });
  exchange.seedKlines("BTCUSDT", "1h", SEED);
}
afterEach(() => exchange.close());

async function klines(query: string) {
  const res = await fetch(`${exchange.url}/api/v3/klines?${query}`);
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}
const openTimes = (body: unknown) => (body as unknown[][]).map((k) => ((k[0] as number) - T0) / HOUR);

describe("GET /api/v3/klines", () => {
  it("serves a kline in Binance's shape: 8-decimal strings and a close time 1 ms before the next open", async () => {
    await start();
    const { status, body } = await klines(`symbol=BTCUSDT&interval=1h&startTime=${T0 + 2 * HOUR}&limit=1`);
    expect(status).toBe(200);
    expect(body).toEqual([[T0 + 2 * HOUR, "102.00000000", "103.50000000", "101.00000000", "102.25000000", "2.12500000", T0 + 3 * HOUR - 1, "217.28125000", 0, "0.00000000", "0.00000000", "0"]]);
  });

  it("selects like Binance: from startTime forward, back from endTime alone, the latest without either", async () => {
    await start();
    expect(openTimes((await klines(`symbol=BTCUSDT&interval=1h&startTime=${T0 + HOUR + 1}&limit=3`)).body)).toEqual([2, 3, 4]);
    expect(openTimes((await klines(`symbol=BTCUSDT&interval=1h&startTime=${T0 + 7 * HOUR}&endTime=${T0 + 8 * HOUR}&limit=5`)).body)).toEqual([7, 8]);
    expect(openTimes((await klines(`symbol=BTCUSDT&interval=1h&endTime=${T0 + 5 * HOUR}&limit=2`)).body)).toEqual([4, 5]);
    expect(openTimes((await klines("symbol=BTCUSDT&interval=1h&limit=3")).body)).toEqual([7, 8, 9]);
    expect(openTimes((await klines("symbol=BTCUSDT&interval=1h")).body)).toHaveLength(10);
    expect((await klines("symbol=BTCUSDT&interval=4h")).body).toEqual([]);
  });

  it("refuses what Binance refuses, with its codes", async () => {
    await start();
    expect(await klines("interval=1h")).toMatchObject({ status: 400, body: { code: -1102 } });
    expect(await klines("symbol=DOGEUSDT&interval=1h")).toMatchObject({ status: 400, body: { code: -1121 } });
    expect(await klines("symbol=BTCUSDT&interval=7m")).toMatchObject({ status: 400, body: { code: -1120 } });
    expect(await klines("symbol=BTCUSDT&interval=1h&limit=1001")).toMatchObject({ status: 400, body: { code: -1130 } });
    expect(await klines("symbol=BTCUSDT&interval=1h&limit=0")).toMatchObject({ status: 400, body: { code: -1130 } });
    expect(await klines(`symbol=BTCUSDT&interval=1h&startTime=${T0 + HOUR}&endTime=${T0}`)).toMatchObject({ status: 400, body: { code: -1023 } });
  });

  it("counts request weight per minute and answers 429 with the seconds left in the minute past the limit", async () => {
    let now = Date.parse("2025-06-01T00:00:10Z");
    await start({ clock: () => now, requestWeightPerMinute: 5 });
    const first = await klines("symbol=BTCUSDT&interval=1h&limit=1");
    expect(first.headers.get("x-mbx-used-weight-1m")).toBe("2");
    expect((await klines("symbol=BTCUSDT&interval=1h&limit=1")).status).toBe(200);
    const refused = await klines("symbol=BTCUSDT&interval=1h&limit=1");
    expect(refused).toMatchObject({ status: 429, body: { code: -1003 } });
    expect(refused.headers.get("retry-after")).toBe("50");
    expect(exchange.usedWeight()).toBe(4);
    now += 50_000;
    const next = await klines("symbol=BTCUSDT&interval=1h&limit=1");
    expect(next.status).toBe(200);
    expect(next.headers.get("x-mbx-used-weight-1m")).toBe("2");
  });

  it("still fires injected faults first", async () => {
    await start();
    exchange.faults.rateLimited(3, { match: { path: "/api/v3/klines" } });
    const refused = await klines("symbol=BTCUSDT&interval=1h&limit=1");
    expect(refused).toMatchObject({ status: 429, body: { code: -1003 } });
    expect(refused.headers.get("retry-after")).toBe("3");
    expect((await klines("symbol=BTCUSDT&interval=1h&limit=1")).status).toBe(200);
  });
});
