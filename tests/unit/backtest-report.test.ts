import { describe, expect, it } from "vitest";
import { renderBacktestReport, type ReportInput } from "../../src/backtest/report/render-report.js";
import type { BacktestMetrics, BacktestTrade } from "../../src/backtest/types.js";

const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);

/** A seeded random walk: hourly equity around 10 000 with real drawdowns. */
function walk(n: number, seed = 7): { time: number[]; equity: number[] } {
  const time: number[] = [];
  const equity: number[] = [];
  let e = 10_000;
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    e *= 1 + (s / 2_147_483_648 - 0.49) * 0.02;
    time.push(START + i * HOUR);
    equity.push(e);
  }
  return { time, equity };
}

function makeTrade(i: number, overrides: Partial<BacktestTrade> = {}): BacktestTrade {
  return {
    symbol: "BTC/USDT",
    side: i % 3 === 0 ? "short" : "long",
    quantity: "0.015",
    entryTime: START + i * 4 * HOUR,
    entryPrice: "42000.5",
    exitTime: START + (i * 4 + 3) * HOUR,
    exitPrice: "42100",
    realizedPnl: "1.4925",
    fees: "0.0252",
    netPnl: "1.4673",
    exitReason: "signal",
    bars: 3,
    ...overrides,
  };
}

const METRICS: BacktestMetrics = {
  startingCash: 10_000,
  finalEquity: 11_234,
  totalReturn: 0.1234,
  cagr: 0.4567,
  maxDrawdown: 0.0821,
  maxDrawdownDurationMs: 3 * 24 * HOUR + 4 * HOUR,
  sharpe: null,
  sortino: 1.5,
  profitFactor: 1.8,
  winRate: 0.55,
  expectancy: 12.5,
  trades: 37,
  exposure: 0.4,
  feesPaid: 9.31,
};

function input(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    id: "bt_01HZX",
    title: "SMA cross on BTC/USDT",
    summary: [
      ["Symbols", "BTC/USDT"],
      ["Timeframe", "1h"],
    ],
    metrics: METRICS,
    equity: walk(400),
    trades: Array.from({ length: 37 }, (_, i) => makeTrade(i)),
    generatedAt: new Date(Date.UTC(2024, 5, 1, 12, 30)),
    ...overrides,
  };
}

const svgOf = (doc: string, id: string) => doc.match(new RegExp(`<svg id="${id}"[\\s\\S]*?</svg>`))?.[0] ?? "";
const pathsOf = (svg: string) => [...svg.matchAll(/<path [^>]*\bd="([^"]*)"/g)].map((m) => m[1]!);
const attributeValues = (doc: string) => [...doc.matchAll(/\s[\w:-]+="([^"]*)"/g)].map((m) => m[1]!);
const textsOf = (svg: string, group: string) =>
  [...(svg.match(new RegExp(`<g class="labels ${group}">([\\s\\S]*?)</g>`))?.[1] ?? "").matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
const tradeRows = (doc: string) => (doc.match(/<table id="trades"[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? "").match(/<tr>/g)?.length ?? 0;
/** [x, y] pairs of a path made of M, L and Z commands. */
const pointsOf = (d: string) =>
  d
    .split(/[MLZ]/)
    .filter((p) => p.trim() !== "")
    .map((p) => p.trim().split(/\s+/).map(Number) as [number, number]);

/** The height at which a drawdown fraction is drawn, from two labelled ticks of the linear axis. */
function drawdownY(svg: string, fraction: number): number {
  const labels = svg.match(/<g class="labels y">([\s\S]*?)<\/g>/)?.[1] ?? "";
  const ticks = [...labels.matchAll(/<text [^>]*\by="([^"]*)"[^>]*>([^<]*)<\/text>/g)].map(
    (m) => [Number(m[2]!.replace("%", "")) / 100, Number(m[1])] as const,
  );
  expect(ticks.length).toBeGreaterThanOrEqual(2);
  const [v0, y0] = ticks[0]!;
  const [v1, y1] = ticks.at(-1)!;
  return y0 + ((fraction - v0) / (v1 - v0)) * (y1 - y0);
}

function expectNoBrokenNumbers(doc: string) {
  for (const value of attributeValues(doc)) expect(value).not.toMatch(/NaN|Infinity|undefined/);
}

describe("renderBacktestReport", () => {
  it("is a self-contained HTML5 document: no script, nothing loaded from anywhere", () => {
    const doc = renderBacktestReport(input());
    expect(doc.startsWith("<!doctype html>")).toBe(true);
    expect(doc).toContain('<meta charset="utf-8">');
    expect(doc).not.toMatch(/<script|<iframe|<object|<embed|<img|\ssrc=|url\(|@import/i);
    const hrefs = [...doc.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1]!);
    for (const href of hrefs) expect(href.startsWith("data:")).toBe(true);
    // <style> is raw text: an entity there is not decoded and would break the declaration.
    const css = doc.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? "";
    expect(css).toContain('"Segoe UI"');
    expect(css).not.toMatch(/&\w+;|&#/);
  });

  it("escapes hostile titles, ids, summary text and trade fields", () => {
    const doc = renderBacktestReport(
      input({
        id: `bt_"><img src=x onerror=alert(1)>`,
        title: `<script>alert("pwned")</script> & 'quoted'`,
        summary: [["<b>label</b>", `"'><script>steal()</script>`]],
        trades: [makeTrade(0, { symbol: "<svg onload=alert(1)>", quantity: `1"/><script>x()</script>` })],
      }),
    );
    expect(doc).not.toMatch(/<script|<img|<b>|<svg onload/i);
    expect(doc).toContain("<title>&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &#39;quoted&#39; · backtest bt_&quot;&gt;&lt;img");
    expect(doc).toContain("<h1>&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;</h1>");
    expect(doc).toContain("<dt>&lt;b&gt;label&lt;/b&gt;</dt><dd>&quot;&#39;&gt;&lt;script&gt;steal()&lt;/script&gt;</dd>");
    expect(doc).toContain("<td>&lt;svg onload=alert(1)&gt;</td>");
  });

  it("draws the equity line and the drawdown area as paths with finite coordinates only", () => {
    const doc = renderBacktestReport(input());
    const equity = pathsOf(svgOf(doc, "equity-chart"));
    const drawdown = pathsOf(svgOf(doc, "drawdown-chart"));
    expect(equity).toHaveLength(1);
    expect(drawdown).toHaveLength(1);
    for (const d of [...equity, ...drawdown]) expect(d).toMatch(/^M-?\d+(\.\d+)? -?\d+(\.\d+)?(L-?\d+(\.\d+)? -?\d+(\.\d+)?)+Z?$/);
    // 400 points fit under the drawing budget, so every one is drawn; the area closes on its zero line.
    expect(pointsOf(equity[0]!)).toHaveLength(400);
    expect(drawdown[0]!.endsWith("Z")).toBe(true);
    expectNoBrokenNumbers(doc);
  });

  it("labels the time axis with UTC dates and the value axis across the whole equity range", () => {
    const curve = walk(400);
    const doc = renderBacktestReport(input({ equity: curve }));
    const svg = svgOf(doc, "equity-chart");
    const dates = textsOf(svg, "x");
    expect(dates.length).toBeGreaterThanOrEqual(2);
    for (const label of dates) {
      expect(label).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const t = Date.parse(`${label}T00:00:00Z`);
      expect(t).toBeGreaterThanOrEqual(START);
      expect(t).toBeLessThanOrEqual(curve.time.at(-1)!);
    }
    const values = textsOf(svg, "y").map((label) => Number(label.replace(/,/g, "")));
    expect(values.every(Number.isFinite)).toBe(true);
    expect(Math.min(...values)).toBeLessThanOrEqual(Math.min(...curve.equity));
    expect(Math.max(...values)).toBeGreaterThanOrEqual(Math.max(...curve.equity));
  });

  it("draws a one-bar crash at its true depth even when the curve is far longer than the chart", () => {
    const n = 200_000;
    const time = Array.from({ length: n }, (_, i) => START + i * 60_000);
    const equity = time.map((_, i) => 10_000 + i * 0.001);
    equity[123_457] = equity[123_456]! / 2; // -50% for one bar, then straight back
    const svg = svgOf(renderBacktestReport(input({ equity: { time, equity } })), "drawdown-chart");
    const deepest = Math.max(...pointsOf(pathsOf(svg)[0]!).map(([, y]) => y));
    expect(deepest).toBeCloseTo(drawdownY(svg, -0.5), 1);
    expect(pointsOf(pathsOf(svg)[0]!).length).toBeLessThanOrEqual(2_000 + 3);
  });

  it("measures drawdown from the starting cash, like the max drawdown metric", () => {
    // The first close is already 20% below the starting cash of 10 000: that is the deepest point.
    const equity = { time: [0, 1, 2, 3].map((i) => START + i * HOUR), equity: [8_000, 9_000, 10_000, 11_000] };
    const svg = svgOf(renderBacktestReport(input({ equity })), "drawdown-chart");
    const deepest = Math.max(...pointsOf(pathsOf(svg)[0]!).map(([, y]) => y));
    expect(deepest).toBeCloseTo(drawdownY(svg, -0.2), 1);
  });

  it("formats metrics, shows nulls as a dash, and gives every metric a one-line definition", () => {
    const doc = renderBacktestReport(input());
    const table = doc.match(/<table id="metrics"[\s\S]*?<\/table>/)?.[0] ?? "";
    const rows = [...table.matchAll(/<tr title="([^"]+)"><th scope="row">([^<]+)<\/th><td>([^<]*)<\/td><\/tr>/g)];
    expect(rows).toHaveLength(Object.keys(METRICS).length);
    for (const [, definition] of rows) expect(definition!.length).toBeGreaterThan(15);
    const value = (label: string) => rows.find((r) => r[2] === label)?.[3];
    expect(value("Total return")).toBe("12.34%");
    expect(value("Max drawdown")).toBe("8.21%");
    expect(value("Win rate")).toBe("55.00%");
    expect(value("Sharpe ratio")).toBe("—");
    expect(value("Final equity")).toBe("11,234.00");
    expect(value("Max drawdown duration")).toBe("3d 4h");
    expect(value("Trades")).toBe("37");
  });

  it("lists one row per trade, with prices and PnL exactly as given", () => {
    const trades = Array.from({ length: 37 }, (_, i) => makeTrade(i));
    trades[5] = makeTrade(5, { entryPrice: "0.00012345", netPnl: "-12.50", exitReason: "stop_loss" });
    const doc = renderBacktestReport(input({ trades }));
    expect(tradeRows(doc)).toBe(37);
    expect(doc).toContain("<td>0.00012345</td>");
    expect(doc).toContain('<td class="neg">-12.50</td>');
    expect(doc).toContain("<td>stop loss</td>");
    expect(doc).toContain(`<td>2024-01-01 20:00</td>`); // trade 5's entry, in UTC
    expect(doc).not.toContain('id="trades-truncated"');
  });

  it("shows the first 1000 trades of a longer list and says how many were left out", () => {
    const trades = Array.from({ length: 1_234 }, (_, i) => makeTrade(i));
    const doc = renderBacktestReport(input({ trades }));
    expect(tradeRows(doc)).toBe(1_000);
    const note = doc.match(/<p id="trades-truncated"[^>]*>([\s\S]*?)<\/p>/)?.[1] ?? "";
    expect(note).toContain("first 1,000 of 1,234 trades");
    expect(note).toContain("234 more are left out");
    expect(tradeRows(renderBacktestReport(input({ trades: trades.slice(0, 1_000) })))).toBe(1_000);
    expect(renderBacktestReport(input({ trades: trades.slice(0, 1_000) }))).not.toContain('id="trades-truncated"');
  });

  it("renders a clear empty state for no curve and no trades, with both charts and no path", () => {
    const doc = renderBacktestReport(input({ equity: { time: [], equity: [] }, trades: [], metrics: { ...METRICS, trades: 0, winRate: null } }));
    expect(doc).toContain("No trades");
    expect(doc).toContain('id="no-trades"');
    expect(doc).not.toContain('id="trades"');
    for (const id of ["equity-chart", "drawdown-chart"]) {
      const svg = svgOf(doc, id);
      expect(svg).toContain("No ");
      expect(pathsOf(svg)).toHaveLength(0);
    }
    expectNoBrokenNumbers(doc);
  });

  it("never writes NaN for a single point, a flat curve, or non-finite values in the curve", () => {
    const curves = [
      { time: [START], equity: [10_000] },
      { time: [START, START + HOUR, START + 2 * HOUR], equity: [10_000, 10_000, 10_000] },
      { time: [START, START + HOUR, NaN, START + 3 * HOUR, START + 4 * HOUR], equity: [10_000, NaN, 9_000, 9_500, Infinity] },
      { time: [START, START + HOUR], equity: [0, 0] },
    ];
    for (const equity of curves) {
      const doc = renderBacktestReport(input({ equity }));
      expectNoBrokenNumbers(doc);
      for (const id of ["equity-chart", "drawdown-chart"]) {
        const d = pathsOf(svgOf(doc, id))[0];
        expect(d).toBeDefined();
        // Something visible: the points span a width, whatever the data.
        const xs = pointsOf(d!).map(([x]) => x);
        expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(0);
      }
    }
  });
});
