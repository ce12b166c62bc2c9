import { accessSync, constants, readFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { referenceRsiBacktest } from "../helpers/reference-rsi-backtest.js";
import { finished, waitForBacktest } from "./backtests-gateway.js";

// Issue 6's acceptance: the RSI strategy over one year of BTC/USDT 1h (the shared data), submitted
// over REST, trades exactly as an independent loop does; the same inputs give the same trade list;
// the report renders in a real browser.
const CSV = readFileSync(new URL("../fixtures/ohlcv/binance_BTCUSDT_1h.csv", import.meta.url), "utf8");
const ROWS = CSV.trim().split("\n").slice(1).map((line) => line.split(","));
const HOUR = 3_600_000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

type TradeView = { seq: number; entryTime: string; entryPrice: string; exitTime: string; exitPrice: string; quantity: string; realizedPnl: string; fees: string; netPnl: string };

let t: TestApp;
const request = {
  strategy: { type: "rsi", params: { period: 14, oversold: 30, overbought: 70 } },
  config: { sizing: { type: "fixed_quote", notional: "1000" } },
  symbols: ["BTC/USDT"],
  timeframe: "1h",
  from: Number(ROWS[0]?.[0]),
  to: Number(ROWS.at(-1)?.[0]),
  startingCash: "10000",
  fees: { makerBps: "10", takerBps: "10" },
  slippageBps: "0",
  fillModel: "next_open",
};

async function run(): Promise<{ id: string; body: Record<string, unknown>; trades: TradeView[] }> {
  const submitted = await t.http.post("/v1/backtests").set(t.auth()).send(request);
  expect(submitted.status).toBe(202);
  const id = submitted.body.id as string;
  const body = await waitForBacktest(t, id, finished, 90_000);
  expect(body.status).toBe("succeeded");
  const trades: TradeView[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { data: TradeView[]; nextCursor: string | null } } = await t.http.get(`/v1/backtests/${id}/trades?limit=500${cursor ? `&cursor=${cursor}` : ""}`).set(t.auth());
    expect(page.status).toBe(200);
    trades.push(...page.body.data);
    cursor = page.body.nextCursor;
  } while (cursor);
  return { id, body, trades };
}

let first: Awaited<ReturnType<typeof run>>;

beforeAll(async () => {
  t = await startTestApp({ BACKTEST_TIMEOUT_SECONDS: "300" });
  const imported = await t.http.post("/v1/candles/import?symbol=BTC/USDT&timeframe=1h").set(t.auth()).set("content-type", "text/csv").send(CSV);
  expect(imported.body).toMatchObject({ imported: ROWS.length });
  first = await run();
}, 120_000);
afterAll(() => t.close());

describe("a year of BTC/USDT 1h through the RSI strategy, over REST", () => {
  it("trades exactly as an independent simple loop does", () => {
    const expected = referenceRsiBacktest({ rows: ROWS, timeframeMs: HOUR, period: 14, oversold: 30, overbought: 70, notional: "1000", amountStep: "0.00001", feeBps: "10" });
    expect(expected.length).toBeGreaterThan(10);
    const actual = first.trades.map((trade) => ({
      entryTime: Date.parse(trade.entryTime),
      entryPrice: trade.entryPrice,
      exitTime: Date.parse(trade.exitTime),
      exitPrice: trade.exitPrice,
      quantity: trade.quantity,
      realizedPnl: trade.realizedPnl,
      fees: trade.fees,
      netPnl: trade.netPnl,
    }));
    expect(actual).toEqual(expected);
    expect(first.body).toMatchObject({ candlesProcessed: ROWS.length, tradesCount: expected.length });
  });

  it("gives the same trade list and hash for the same inputs", async () => {
    const second = await run();
    expect(second.id).not.toBe(first.id);
    expect(second.body.tradesHash).toBe(first.body.tradesHash);
    expect(second.trades.map(({ seq: _seq, ...trade }) => trade)).toEqual(first.trades.map(({ seq: _seq, ...trade }) => trade));
  }, 120_000);

  describe.skipIf(!isExecutable(CHROMIUM))(`the report in headless Chromium (${CHROMIUM})`, () => {
    it("loads from the gateway and draws the equity and drawdown charts and every trade", async () => {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      });
      try {
        const page = await browser.newPage({ extraHTTPHeaders: t.auth() });
        const problems: string[] = [];
        page.on("console", (message) => {
          if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
        });
        const response = await page.goto(`${t.baseUrl}/v1/backtests/${first.id}/report`);
        expect(response?.status()).toBe(200);
        for (const chart of ["#equity-chart", "#drawdown-chart"]) {
          const box = await page.locator(`${chart} path`).first().evaluate((path) => {
            // Runs in the page; the project's type library has no DOM, so the element is typed by what is used.
            const b = (path as unknown as { getBBox(): { width: number; height: number } }).getBBox();
            return { width: b.width, height: b.height };
          });
          expect(box.width).toBeGreaterThan(0);
          expect(box.height).toBeGreaterThan(0);
        }
        expect(await page.locator("#trades tbody tr").count()).toBe(first.trades.length);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 60_000);
  });
});

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
