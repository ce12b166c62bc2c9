import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/ohlcv/${name}`, import.meta.url), "utf8");
const BTC_5M = fixture("binance_BTCUSDT_5m_halt_2023-03-24.csv"); // 272 rows; Binance halt 12:40 to 13:55 UTC
const ETH_1H = fixture("binance_ETHUSDT_1h_head300.csv"); // 300 rows, no gaps

let t: TestApp;
let readKey: string;
beforeAll(async () => {
  t = await startTestApp({ CANDLE_IMPORT_BODY_LIMIT_BYTES: "40000" });
  readKey = (await t.http.post("/v1/api-keys").set(t.auth()).send({ name: "ro", scopes: ["read"] })).body.key;
});
afterAll(() => t.close());

const importCsv = (query: string, body: string, key?: string) =>
  t.http.post(`/v1/candles/import?${query}`).set(t.auth(key)).set("content-type", "text/csv").send(body);

describe("POST /v1/candles/import", () => {
  it("imports a real slice, reports the halt gap, and imports nothing new the second time", async () => {
    const first = await importCsv("symbol=BTC/USDT&timeframe=5m", BTC_5M);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      symbol: "BTC/USDT",
      timeframe: "5m",
      rowsRead: 272,
      validRows: 272,
      imported: 272,
      updated: 0,
      alreadyStored: 0,
      first: "2023-03-24T00:00:00.000Z",
      last: "2023-03-24T23:55:00.000Z",
      invalidRows: { count: 0 },
      duplicatesInFile: { count: 0 },
      gaps: { count: 1, missingBars: 16, largest: { from: "2023-03-24T12:40:00.000Z", to: "2023-03-24T13:55:00.000Z", missingBars: 16 } },
    });

    const again = await importCsv("symbol=BTC/USDT&timeframe=5m", BTC_5M);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ imported: 0, updated: 0, alreadyStored: 272 });
  });

  it("skips and reports bad rows and duplicates, storing only good candles, and updates changed values", async () => {
    const csv = [
      "timestamp,open,high,low,close,volume",
      "1745971200000,100.10,101,99,100.5,1.5", // line 2: good
      "1745974800000,100.5,100.4,99,100.2,2", // line 3: high below open
      "1745978400000,abc,101,99,100,1", // line 4: not a number
      "1745978460000,100,101,99,100,1", // line 5: not aligned to 1h
      "1745974800000,100.5,101,99,100.2,2", // line 6: good, same hour as line 3 (which was skipped)
      "1745971200000,100.10,101,99,100.5,1.5", // line 7: duplicate of line 2
      "1745989200000,100,101,99,100,0", // line 8: good, 3 hours missing before it
    ].join("\n");
    const res = await importCsv("symbol=SOL/USDT&timeframe=1h", csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rowsRead: 7, validRows: 3, imported: 3, gaps: { count: 1, missingBars: 3 } });
    expect(res.body.ohlcInconsistencies.items).toEqual([{ line: 3, openTime: "2025-04-30T01:00:00.000Z", reason: "high is below the open or the close" }]);
    expect(res.body.invalidRows.items.map((i: { line: number }) => i.line)).toEqual([4, 5]);
    expect(res.body.duplicatesInFile.items).toEqual([{ line: 7, firstLine: 2, openTime: "2025-04-30T00:00:00.000Z", identical: true }]);

    const stored = await t.http.get("/v1/candles?symbol=SOL/USDT&timeframe=1h").set(t.auth(readKey));
    expect(stored.body.data.map((c: { timestamp: number }) => c.timestamp)).toEqual([1745971200000, 1745974800000, 1745989200000]);

    const corrected = await importCsv("symbol=SOL/USDT&timeframe=1h", "1745971200000,100.1,101,99,100.6,1.5\n1745989200000,100,101,99,100.0,0\n");
    expect(corrected.body).toMatchObject({ imported: 0, updated: 1, alreadyStored: 1 });
  });

  it("answers 403 to a read key and stores nothing", async () => {
    const res = await importCsv("symbol=ADA/USDT&timeframe=1h", ETH_1H.slice(0, 500), readKey);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("FORBIDDEN");
    expect((await t.http.get("/v1/candles?symbol=ADA/USDT&timeframe=1h").set(t.auth())).body.data).toEqual([]);
  });

  it("refuses a wrong header, an unknown timeframe, a JSON body and a body over its own limit", async () => {
    const header = await importCsv("symbol=BTC/USDT&timeframe=1h", "time,o,h,l,c,v\n1745971200000,1,2,0.5,1.5,1\n");
    expect(header.status).toBe(400);
    expect(header.headers["content-type"]).toContain("application/problem+json");
    expect(header.body).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ path: "body" }] });

    const timeframe = await importCsv("symbol=BTC/USDT&timeframe=7m", ETH_1H);
    expect(timeframe.status).toBe(400);
    expect(timeframe.body.errors.map((e: { path: string }) => e.path)).toEqual(["query.timeframe"]);

    const json = await t.http.post("/v1/candles/import?symbol=BTC/USDT&timeframe=1h").set(t.auth()).send({ csv: "x" });
    expect(json.status).toBe(415);
    expect(json.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");

    const big = await importCsv("symbol=ETH/USDT&timeframe=1h", ETH_1H.repeat(3));
    expect(big.status).toBe(413);
    expect(big.body.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("accepts an import larger than the JSON body limit", async () => {
    expect(ETH_1H.length).toBeGreaterThan(t.services.config.BODY_LIMIT_BYTES / 4);
    const res = await importCsv("symbol=ETH/USDT&timeframe=1h", ETH_1H);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rowsRead: 300, imported: 300, gaps: { count: 0, largest: null } });
  });
});

describe("GET /v1/candles", () => {
  it("returns the stored candles oldest first with exact decimals as strings, paging by nextFrom", async () => {
    const res = await t.http.get("/v1/candles?symbol=ETH/USDT&timeframe=1h&limit=2").set(t.auth(readKey));
    expect(res.status).toBe(200);
    const [firstRow] = ETH_1H.split("\n").slice(1, 2).map((l) => l.split(","));
    const [ts, open, high, low, close, volume] = firstRow as string[];
    expect(res.body.data[0]).toEqual({ openTime: new Date(Number(ts)).toISOString(), timestamp: Number(ts), open, high, low, close, volume });
    expect(typeof res.body.data[0].volume).toBe("string");
    expect(res.body.nextFrom).toBe(res.body.data[1].timestamp + 1);

    const next = await t.http.get(`/v1/candles?symbol=ETH/USDT&timeframe=1h&limit=2&from=${res.body.nextFrom}`).set(t.auth(readKey));
    expect(next.body.data[0].timestamp).toBe(res.body.data[1].timestamp + 3_600_000);
  });

  it("filters by an inclusive ISO range and keeps trailing-zero decimals exact", async () => {
    const res = await t.http
      .get("/v1/candles?symbol=SOL/USDT&timeframe=1h&from=2025-04-30T00:00:00Z&to=2025-04-30T01:00:00Z")
      .set(t.auth(readKey));
    expect(res.body.data.map((c: { openTime: string }) => c.openTime)).toEqual(["2025-04-30T00:00:00.000Z", "2025-04-30T01:00:00.000Z"]);
    expect(res.body.data[0]).toMatchObject({ open: "100.1", close: "100.6" });
    expect(res.body.nextFrom).toBeNull();
  });

  it("answers 400 for a bad query and 401 without a key", async () => {
    const bad = await t.http.get("/v1/candles?symbol=btcusdt&timeframe=1h&from=yesterday&limit=0").set(t.auth(readKey));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("VALIDATION_FAILED");
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["query.from", "query.limit", "query.symbol"]);
    expect((await t.http.get("/v1/candles?symbol=BTC/USDT&timeframe=1h")).status).toBe(401);
  });
});
