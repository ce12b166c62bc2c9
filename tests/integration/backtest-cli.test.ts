import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest/engine/run-backtest.js";
import { parseBacktestArgs } from "../../scripts/backtest-args.js";
import { loadCandleSeries } from "../helpers/candle-series.js";
import { runScript } from "./cli-process.js";

const FIXTURE = "binance_BTCUSDT_1h_head3000.csv";
const series = loadCandleSeries(FIXTURE, "BTC/USDT");
// Bars 100 to 2099 of the file's 3000: the range must be cut out of the stored candles.
const FROM = new Date(series.time[100]!).toISOString();
const TO = new Date(series.time[2099]!).toISOString();
const ARGS = ["--symbol", "BTC/USDT", "--timeframe", "1h", "--from", FROM, "--to", TO, "--strategy", "rsi", "--param", "period=10", "--param", "oversold=35", "--cash", "5000", "--fee-bps", "7.5", "--sizing-quote", "1000"];

let dir: string;
const run = (script: string, args: readonly string[]) => runScript(script, args, { cwd: dir, env: { DATA_DIR: join(dir, "data") } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "backtest-cli-"));
  const imported = await run("import-candles.ts", ["--file", fileURLToPath(new URL(`../fixtures/ohlcv/${FIXTURE}`, import.meta.url)), "--symbol", "BTC/USDT", "--timeframe", "1h"]);
  expect(imported.code, imported.stderr).toBe(0);
  expect(JSON.parse(imported.stdout)).toMatchObject({ imported: 3000 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run backtest", () => {
  it("--json: the stored candles give the trades hash runBacktest gives over the fixture in-process", async () => {
    const res = await run("backtest.ts", [...ARGS, "--json"]);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);

    const parsed = parseBacktestArgs(ARGS);
    if ("help" in parsed) throw new Error("unreachable");
    const expected = await runBacktest(parsed.spec, [series]);
    expect(expected.trades.length).toBeGreaterThan(3);
    expect(out.tradesHash).toBe(expected.tradesHash);
    expect(out.metrics).toEqual(expected.metrics);
    expect(out).toMatchObject({
      symbols: ["BTC/USDT"],
      from: FROM,
      to: TO,
      candles: 2000,
      strategy: { type: "rsi", params: { period: 10, oversold: 35, overbought: 70, allowShort: false } },
      startingCash: "5000",
      fees: { makerBps: "7.5", takerBps: "7.5" },
      sizing: { type: "fixed_quote", notional: "1000" },
      tradesCount: expected.trades.length,
    });
    // Not a terminal: progress comes as plain lines, ending at 100%.
    expect(res.stderr.trim().split("\n").at(-1)).toBe("backtest: 100% (2000/2000)");
  });

  it("prints a summary table with the metrics, the counts and the hash", async () => {
    const res = await run("backtest.ts", ARGS);
    expect(res.code, res.stderr).toBe(0);
    const parsed = parseBacktestArgs(ARGS);
    if ("help" in parsed) throw new Error("unreachable");
    const expected = await runBacktest(parsed.spec, [series]);
    const lines = res.stdout.trim().split("\n");
    expect(lines).toContain(`Trades hash            ${expected.tradesHash}`);
    expect(lines).toContain(`Trades                 ${expected.trades.length}`);
    expect(lines).toContain("Starting cash          5,000.00");
    expect(lines).toContain("Candles                2000");
  });

  it("exits 1 with one line naming a bad argument", async () => {
    const res = await run("backtest.ts", [...ARGS, "--param", "period=fast"]);
    expect(res).toEqual({ code: 1, stdout: "", stderr: "backtest: --param period must be a whole number from 2 to 500\n" });
  });

  it("exits 1 naming the symbol and the range when no candles are stored there", async () => {
    const res = await run("backtest.ts", ["--symbol", "ETH/USDT", "--timeframe", "1h", "--from", "2025-01-01", "--to", "2025-02-01", "--strategy", "macd"]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe("");
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toMatch(/^backtest: no 1h candles for ETH\/USDT from 2025-01-01T00:00:00.000Z to 2025-02-01T00:00:00.000Z /);
  });
});
