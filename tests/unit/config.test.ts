import { describe, expect, it } from "vitest";
import { envSchema, parseConfig } from "../../src/config/env.js";

describe("parseConfig", () => {
  it("applies the documented defaults to an empty environment", () => {
    const result = parseConfig({});
    expect(result).toEqual({
      ok: true,
      config: expect.objectContaining({
        PORT: 3000,
        HOST: "0.0.0.0",
        DATA_DIR: "./data",
        LOG_LEVEL: "info",
        NODE_ENV: "development",
        BODY_LIMIT_BYTES: 65536,
        SHUTDOWN_TIMEOUT_MS: 10000,
        DATABASE_URL: undefined,
        API_KEY: undefined,
      }),
    });
  });

  it("on PostgreSQL, refuses as many signal workers as pool connections: intake would have none left", () => {
    const url = "postgres://db.internal:5432/gw";
    expect(parseConfig({ DATABASE_URL: url, DATABASE_POOL_MAX: "4", SIGNAL_WORKERS: "4" })).toEqual({
      ok: false,
      errors: ["SIGNAL_WORKERS: must be less than DATABASE_POOL_MAX (4), so intake always has a connection"],
    });
    expect(parseConfig({ DATABASE_URL: url, DATABASE_POOL_MAX: "5", SIGNAL_WORKERS: "4" }).ok).toBe(true);
    // PGlite: one embedded connection whatever the pool setting.
    expect(parseConfig({ DATABASE_POOL_MAX: "1", SIGNAL_WORKERS: "4" }).ok).toBe(true);
  });

  it("runs one backtest at a time for at most 30 minutes over at most 5 million candles by default, and bounds each", () => {
    expect(parseConfig({})).toMatchObject({
      ok: true,
      config: { BACKTEST_CONCURRENCY: 1, BACKTEST_TIMEOUT_SECONDS: 1800, BACKTEST_MAX_CANDLES: 5_000_000 },
    });
    expect(parseConfig({ BACKTEST_CONCURRENCY: "0" })).toMatchObject({ ok: true, config: { BACKTEST_CONCURRENCY: 0 } });
    // pg-boss expires a job within 24 hours; a timeout must leave room for the job's margin.
    const result = parseConfig({ BACKTEST_CONCURRENCY: "17", BACKTEST_TIMEOUT_SECONDS: "86400", BACKTEST_MAX_CANDLES: "0" });
    expect(result.ok ? [] : result.errors.map((e) => e.split(":")[0]).sort()).toEqual(["BACKTEST_CONCURRENCY", "BACKTEST_MAX_CANDLES", "BACKTEST_TIMEOUT_SECONDS"]);
  });

  it("has no market data exchange by default, and takes only a ccxt exchange, an http(s) origin and polls of 0 or at least 250 / 1000 ms", () => {
    const off = parseConfig({});
    expect(off.ok && [off.config.MARKET_DATA_EXCHANGE, off.config.MARKET_DATA_API_URL, off.config.PAPER_PRICE_POLL_MS, off.config.CANDLE_FEED_POLL_MS]).toEqual([
      undefined,
      undefined,
      5000,
      60000,
    ]);
    const on = parseConfig({ MARKET_DATA_EXCHANGE: "okx", MARKET_DATA_API_URL: "http://127.0.0.1:9", PAPER_PRICE_POLL_MS: "250" });
    expect(on.ok && on.config.MARKET_DATA_EXCHANGE).toBe("okx");
    expect(parseConfig({ PAPER_PRICE_POLL_MS: "0" }).ok).toBe(true);
    expect(parseConfig({ MARKET_DATA_API_URL: "https://user:s3cret@proxy.internal" })).toEqual({ ok: false, errors: ["MARKET_DATA_API_URL: must not carry a user or password"] });
    const bad = parseConfig({ MARKET_DATA_EXCHANGE: "not-an-exchange", MARKET_DATA_API_URL: "ftp://x", PAPER_PRICE_POLL_MS: "100", CANDLE_FEED_POLL_MS: "999" });
    expect(bad.ok ? [] : bad.errors).toEqual([
      "MARKET_DATA_EXCHANGE: must be a ccxt exchange id (binance, bybit, okx…)",
      "MARKET_DATA_API_URL: must be an http:// or https:// URL",
      "CANDLE_FEED_POLL_MS: must be 0 (off) or at least 1000",
      "PAPER_PRICE_POLL_MS: must be 0 (off) or at least 250",
    ]);
  });

  it("takes a PostgreSQL URL in libpq's socket form, and refuses a port parameter that is not a port", () => {
    const socket = parseConfig({ DATABASE_URL: "postgresql://gateway@/gw?host=/var/run/postgresql" });
    expect(socket.ok && socket.config.DATABASE_URL).toBe("postgresql://gateway@/gw?host=/var/run/postgresql");
    expect(parseConfig({ DATABASE_URL: "postgres://db/gw?port=70000" })).toEqual({ ok: false, errors: ["DATABASE_URL: its port parameter must be a TCP port (1–65535)"] });
  });

  it("treats empty strings as unset, as .env files write them", () => {
    const result = parseConfig({ DATABASE_URL: "", API_KEY: "" });
    expect(result.ok && result.config.DATABASE_URL).toBeUndefined();
    expect(result.ok && result.config.API_KEY).toBeUndefined();
  });

  it("coerces numbers and accepts a postgres URL", () => {
    const result = parseConfig({ PORT: "8080", DATABASE_URL: "postgresql://u:p@db.internal:6543/gw" });
    expect(result.ok && result.config.PORT).toBe(8080);
    expect(result.ok && result.config.DATABASE_URL).toBe("postgresql://u:p@db.internal:6543/gw");
  });

  it("reports one line per bad variable, each naming it", () => {
    const result = parseConfig({
      PORT: "70000",
      LOG_LEVEL: "verbose",
      DATABASE_URL: "mysql://localhost/x",
      API_KEY: "short",
      BODY_LIMIT_BYTES: "1.5",
      NODE_ENV: "staging",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const names = result.errors.map((line) => line.split(":")[0]).sort();
    expect(names).toEqual(["API_KEY", "BODY_LIMIT_BYTES", "DATABASE_URL", "LOG_LEVEL", "NODE_ENV", "PORT"]);
  });

  it("never repeats a value in an error, so a mistyped secret is not printed", () => {
    const result = parseConfig({ API_KEY: "hunter2-short", DATABASE_URL: "not a url with pw-s3cret" });
    expect(result.ok).toBe(false);
    const text = result.ok ? "" : result.errors.join("\n");
    expect(text).not.toContain("hunter2-short");
    expect(text).not.toContain("pw-s3cret");
  });

  it("ignores variables it does not know", () => {
    expect(parseConfig({ UNRELATED: "x", PATH: "/bin" }).ok).toBe(true);
  });

  it("lists every variable in .env.example", async () => {
    const { readFileSync } = await import("node:fs");
    const example = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
    for (const name of Object.keys(envSchema.shape)) {
      expect(example, name).toMatch(new RegExp(`^#?\\s*${name}=`, "m"));
    }
  });
});
