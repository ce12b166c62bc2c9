import { accessSync, constants } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderBacktestReport, type ReportInput } from "../../src/backtest/report/render-report.js";
import type { BacktestTrade } from "../../src/backtest/types.js";
import { dec, plain } from "../../src/domain/decimal.js";

// The system Chromium, never a downloaded one; machines without it skip this file (the CI tries to install it).
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
/** What the report route sends: the page must draw with inline style alone. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
const hasChromium = isExecutable(CHROMIUM);

const HOUR = 3_600_000;
const START = Date.UTC(2024, 2, 1);
const TITLE = `SMA 20/50 on BTC/USDT <script>document.title="owned"</script> "quoted" & 'single'`;

/** A 4-hour BTC-like price walk, an account trading 0.05 BTC round trips on it, and its equity. */
function realisticInput(): ReportInput & { trades: BacktestTrade[] } {
  const bars = 360;
  const time: number[] = [];
  const close: string[] = [];
  let price = 62_000;
  let seed = 42;
  for (let i = 0; i < bars; i++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    price *= 1 + (seed / 2_147_483_648 - 0.5) * 0.03;
    time.push(START + i * 4 * HOUR);
    close.push(price.toFixed(2));
  }
  const quantity = "0.05";
  const trades: BacktestTrade[] = [];
  for (let entry = 3; entry + 9 < bars; entry += 14) {
    const exit = entry + 5 + (entry % 5);
    const side = trades.length % 3 === 2 ? "short" : "long";
    const move = dec(close[exit]!).minus(close[entry]!).mul(quantity);
    const realized = side === "long" ? move : move.neg();
    const fees = dec(close[entry]!).plus(close[exit]!).mul(quantity).mul("0.001");
    trades.push({
      symbol: "BTC/USDT",
      side,
      quantity,
      entryTime: time[entry]!,
      entryPrice: close[entry]!,
      exitTime: time[exit]!,
      exitPrice: close[exit]!,
      realizedPnl: plain(realized),
      fees: plain(fees),
      netPnl: plain(realized.minus(fees)),
      exitReason: exit % 4 === 0 ? "stop_loss" : "signal",
      bars: exit - entry,
    });
  }
  // Equity: starting cash plus every closed trade's net PnL (floats are fine for a curve).
  const equity = time.map((t) => 10_000 + trades.filter((tr) => tr.exitTime <= t).reduce((sum, tr) => sum + Number(tr.netPnl), 0));
  const final = equity.at(-1)!;
  return {
    id: "bt_01J0BROWSER",
    title: TITLE,
    summary: [
      ["Symbols", "BTC/USDT"],
      ["Timeframe", "4h"],
      ["Comment", `</dd><script>alert("x")</script>`],
    ],
    metrics: {
      startingCash: 10_000,
      finalEquity: final,
      totalReturn: final / 10_000 - 1,
      cagr: 0.12,
      maxDrawdown: 0.031,
      maxDrawdownDurationMs: 9 * 24 * HOUR,
      sharpe: 0.84,
      sortino: null,
      profitFactor: 1.31,
      winRate: trades.filter((t) => dec(t.netPnl).gt(0)).length / trades.length,
      expectancy: (final - 10_000) / trades.length,
      trades: trades.length,
      exposure: 0.52,
      feesPaid: trades.reduce((sum, t) => sum + Number(t.fees), 0),
    },
    equity: { time, equity },
    trades,
    generatedAt: new Date(Date.UTC(2024, 5, 1, 9, 30)),
  };
}

/** A probe page: inline script and a remote image, both of which the CSP must refuse (and we must notice). */
const CONTROL_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>control</title><link rel="icon" href="data:,"></head>
<body><p>control</p><script>document.title = "script ran";</script><img src="http://127.0.0.1:9/blocked.png" alt=""></body></html>`;

describe.skipIf(!hasChromium)(
  hasChromium ? "backtest report in headless Chromium" : `backtest report in headless Chromium: skipped, no Chromium executable at ${CHROMIUM} (set CHROMIUM_PATH)`,
  () => {
    const input = realisticInput();
    const pages = new Map<string, string>([
      ["/report", renderBacktestReport(input)],
      ["/control", CONTROL_PAGE],
    ]);
    const requested: string[] = [];
    let server: Server;
    let base: string;
    let browser: Browser;

    beforeAll(async () => {
      server = createServer((req, res) => {
        requested.push(req.url ?? "");
        const body = pages.get(req.url ?? "");
        res.writeHead(body === undefined ? 404 : 200, { "content-type": "text/html; charset=utf-8", "content-security-policy": CSP });
        res.end(body ?? "not found");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
    });

    afterAll(async () => {
      await browser?.close();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    });

    /** Opens a path, collecting console errors, page errors, failed requests and CSP violation events. */
    async function open(path: string): Promise<{ page: Page; problems: () => Promise<string[]> }> {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
      await page.addInitScript({
        content: `window.__csp = []; document.addEventListener("securitypolicyviolation", (e) => window.__csp.push("csp: " + e.violatedDirective + " " + e.blockedURI), true);`,
      });
      await page.goto(base + path, { waitUntil: "load" });
      return { page, problems: async () => [...problems, ...((await page.evaluate("window.__csp")) as string[])] };
    }

    it("draws both charts and the whole trade table with nothing the CSP forbids", async () => {
      const { page, problems } = await open("/report");
      try {
        for (const id of ["equity-chart", "drawdown-chart"]) {
          const box = (await page.evaluate(`(() => {
            const path = document.querySelector("#${id} path");
            if (!path) return null;
            const b = path.getBBox();
            return { width: b.width, height: b.height };
          })()`)) as { width: number; height: number } | null;
          expect(box, `#${id} has a path`).not.toBeNull();
          expect(box!.width).toBeGreaterThan(0);
          expect(box!.height).toBeGreaterThan(0);
        }
        expect(await page.locator("#trades tbody tr").count()).toBe(input.trades.length);
        expect(await page.locator("#metrics tr[title]").count()).toBe(Object.keys(input.metrics).length);
        // Hostile text arrives as text: no script element exists, and the title reads as written.
        expect(await page.evaluate("document.scripts.length")).toBe(0);
        expect(await page.title()).toBe(`${TITLE} · backtest ${input.id}`);
        expect(await page.locator("dd").filter({ hasText: `<script>alert("x")</script>` }).count()).toBe(1);
        // The inline stylesheet applied (the CSP allows it): numbers are tabular, charts span the page.
        expect(await page.evaluate("getComputedStyle(document.body).fontVariantNumeric")).toBe("tabular-nums");
        expect(await page.evaluate("getComputedStyle(document.body).fontFamily")).toMatch(/^system-ui/);
        expect(await page.evaluate(`document.querySelector("#equity-chart").getBoundingClientRect().width`)).toBeGreaterThan(600);
        expect(await problems()).toEqual([]);
        expect(requested.filter((p) => p !== "/control")).toEqual(["/report"]);
      } finally {
        await page.close();
      }
    });

    it("notices a page that breaks the CSP (the watch above is not blind)", async () => {
      const { page, problems } = await open("/control");
      try {
        expect(await page.title()).toBe("control");
        const seen = await problems();
        expect(seen.some((p) => p.includes("script-src"))).toBe(true);
        expect(seen.some((p) => p.includes("img-src"))).toBe(true);
      } finally {
        await page.close();
      }
    });
  },
);
