import { describe, expect, it } from "vitest";
import { CsvFormatError, parseCandleCsv, type CsvRow } from "../../src/market-data/csv-parser.js";
import { isAligned, type Timeframe } from "../../src/market-data/timeframes.js";

const H = 3_600_000;
const T0 = 1745971200000; // 2025-04-30 00:00 UTC

async function parse(text: string | string[], timeframe: Timeframe = "1h"): Promise<CsvRow[]> {
  const chunks = Array.isArray(text) ? text : [text];
  const source = (async function* () {
    for (const c of chunks) yield new TextEncoder().encode(c);
  })();
  const rows: CsvRow[] = [];
  for await (const row of parseCandleCsv(source, timeframe)) rows.push(row);
  return rows;
}

describe("parseCandleCsv", () => {
  it("reads the shared data format, header included, keeping the exact decimal text", async () => {
    const rows = await parse("timestamp,open,high,low,close,volume\n1745971200000,94256.82,94631.23,94136.48,94546.79,519.07237\n");
    expect(rows).toEqual([
      { kind: "candle", line: 2, candle: { openTime: T0, open: "94256.82", high: "94631.23", low: "94136.48", close: "94546.79", volume: "519.07237" } },
    ]);
  });

  it("accepts a file without a header, CRLF line ends, a BOM, blank lines and no final newline", async () => {
    const rows = await parse(`\uFEFF${T0},1,2,0.5,1.5,0\r\n\r\n${T0 + H},1.5,1.5,1.5,1.5,3`);
    expect(rows.map((r) => [r.kind, r.line])).toEqual([["candle", 1], ["candle", 3]]);
  });

  it("reassembles lines and multi-byte characters split across chunks", async () => {
    const rows = await parse(["timestamp,open,hi", `gh,low,close,volume\n${T0},1,2,`, `0.5,1.5,7\n${T0 + H},x\u00e9`, "\n"]);
    expect(rows[0]).toMatchObject({ kind: "candle", line: 2, candle: { low: "0.5", volume: "7" } });
    expect(rows[1]).toMatchObject({ kind: "invalid", line: 3, reason: "expected 6 columns, found 2" });
  });

  it("refuses a header naming other columns, whatever the rows", async () => {
    await expect(parse("time,o,h,l,c,v\n")).rejects.toBeInstanceOf(CsvFormatError);
    await expect(parse("timestamp,open,high,low,close\n")).rejects.toThrow(/header must be 'timestamp,open,high,low,close,volume'/);
  });

  it("treats a non-numeric line after the first as an invalid row, not a header", async () => {
    const rows = await parse(`${T0},1,2,0.5,1.5,7\ntimestamp,open,high,low,close,volume\n`);
    expect(rows[1]).toMatchObject({ kind: "invalid", line: 2, reason: "timestamp must be an integer number of milliseconds" });
  });

  it.each([
    [`${T0},abc,2,0.5,1.5,7`, "open is not a number"],
    [`${T0},1,2,0.5,1.5`, "expected 6 columns, found 5"],
    [`${T0},0,2,0.5,1.5,7`, "open must be above 0"],
    [`${T0},1,2,-0.5,1.5,7`, "low must be above 0"],
    [`${T0},1,2,0.5,1.5,-7`, "volume must not be negative"],
    [`${T0}.5,1,2,0.5,1.5,7`, "timestamp must be an integer number of milliseconds"],
    [`${T0 + 60_000},1,2,0.5,1.5,7`, `timestamp ${T0 + 60_000} is not aligned to 1h`],
    [`${T0},1,2,0.5,,7`, "close is not a number"],
  ])("rejects %s: %s", async (line, reason) => {
    expect(await parse(line)).toEqual([{ kind: "invalid", line: 1, reason }]);
  });

  it.each([
    [`${T0},1,1.4,0.5,1.5,7`, "high is below the open or the close"],
    [`${T0},1.6,1.5,0.5,1.55,7`, "high is below the open or the close"],
    [`${T0},1,2,1.2,1.5,7`, "low is above the open or the close"],
  ])("flags an OHLC inconsistency %s", async (line, reason) => {
    expect(await parse(line)).toEqual([{ kind: "inconsistent", line: 1, openTime: T0, reason }]);
  });

  // PostgreSQL's numeric refuses these, and one refused value used to fail the whole stored batch.
  it.each([
    ["253402300800000,1,2,0.5,1.5,7", "timestamp is after 9999-12-31T23:59:59.999Z"],
    [`${T0},1e200000,1e200000,1e200000,1e200000,1`, "open is too large or too precise to store"],
    [`${T0},1e-20000,1,1e-20000,1,1`, "open is too large or too precise to store"],
    [`${T0},1,2,0.5,1.5,0e-20000`, "volume is too large or too precise to store"],
    [`${T0},0.5e2000,1e2000,0.5,1,1`, "open is too large or too precise to store"],
    [`${T0},1,2,0.5,1.5,1e1000`, "volume is too large or too precise to store"],
    [`${T0},1,2,0.5,1.5,1E+99999999999999999999`, "volume is too large or too precise to store"],
  ])("rejects a value beyond what the database stores: %s", async (line, reason) => {
    expect(await parse(line)).toEqual([{ kind: "invalid", line: 1, reason }]);
  });

  it("keeps large, tiny and exponent-written values within those bounds as written", async () => {
    const line = `${T0},1e5,1.5E+999,0.000000001e-990,100000.50,0.${"0".repeat(900)}1`;
    expect(await parse(line)).toEqual([
      { kind: "candle", line: 1, candle: { openTime: T0, open: "1e5", high: "1.5E+999", low: "0.000000001e-990", close: "100000.50", volume: `0.${"0".repeat(900)}1` } },
    ]);
  });

  it("compares prices as decimals, not as text", async () => {
    expect((await parse(`${T0},9.5,10,9,9.75,0`))[0]?.kind).toBe("candle");
    expect((await parse(`${T0},100000.10,100000.1,100000.1,100000.1,0`))[0]?.kind).toBe("candle");
  });

  it("checks alignment per timeframe, weeks opening on Monday", async () => {
    expect(isAligned(T0 + 15 * 60_000, "15m")).toBe(true);
    expect(isAligned(T0 + 15 * 60_000, "1h")).toBe(false);
    expect(isAligned(Date.UTC(2025, 3, 28), "1w")).toBe(true); // a Monday
    expect(isAligned(Date.UTC(2025, 3, 24), "1w")).toBe(false); // a Thursday
    expect((await parse(`${T0 + 5 * 60_000},1,2,0.5,1.5,7`, "5m"))[0]?.kind).toBe("candle");
  });
});
