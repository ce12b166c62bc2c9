import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeApi } from "../../src/app.js";
import { REPORT_CSP } from "../../src/http/routes/backtests/get-backtest-report.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy } from "../helpers/strategies.js";
import { sendAlert } from "../helpers/trading.js";
import { finished, waitForBacktest } from "./backtests-gateway.js";
import { csrfOf, dashboardClient, restTradingState, sessionCookieOf } from "./dashboard-client.js";

let t: TestApp;
let client: ReturnType<typeof dashboardClient>;

beforeAll(async () => {
  t = await startTestApp({ BACKTEST_TIMEOUT_SECONDS: "120", BACKTEST_MAX_CANDLES: "2000" });
  client = dashboardClient(t);
});
afterAll(() => t.close());

async function createKey(scopes: string[]) {
  const res = await t.http.post("/v1/api-keys").set(t.auth()).send({ name: `dashboard ${scopes.join("+")}`, scopes });
  expect(res.status).toBe(201);
  return res.body as { key: string; apiKey: { id: string } };
}

describe("logging in", () => {
  it("sends a browser without a session to the login form, which is served under a nonce CSP with no script", async () => {
    for (const path of ["/dashboard", "/dashboard/backtests/bt_x/report"]) {
      const res = await client.get(path);
      expect(res.status, path).toBe(303);
      expect(res.location).toBe("/dashboard/login");
    }
    const form = await client.get("/dashboard/login");
    expect(form.status).toBe(200);
    expect(form.headers.get("content-type")).toContain("text/html");
    expect(form.text).toMatch(/^<!doctype html>/);
    expect(form.text).toContain('<form method="post" action="/dashboard/login">');
    expect(form.text).not.toContain("<script");
    const csp = form.headers.get("content-security-policy") ?? "";
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(form.text).toContain(`<style nonce="${nonce}">`);
    // A fresh nonce per response, or it protects nothing.
    expect((await client.get("/dashboard/login")).headers.get("content-security-policy")).not.toBe(csp);
    expect(form.headers.get("cache-control")).toBe("no-store");
  });

  it("sets an HttpOnly, SameSite=Strict session cookie on /dashboard for a good key, holding a random id and never the key", async () => {
    const res = await client.post("/dashboard/login", { key: t.adminKey });
    expect(res.status).toBe(303);
    expect(res.location).toBe("/dashboard");
    const header = res.setCookies.find((c) => c.startsWith("sg_dashboard=")) ?? "";
    expect(header).toMatch(/; HttpOnly/i);
    expect(header).toMatch(/; SameSite=Strict/i);
    expect(header).toMatch(/; Path=\/dashboard(;|$)/);
    // Plain http here, and no trusted proxy said otherwise.
    expect(header).not.toMatch(/; Secure/i);
    const id = header.split(";")[0]!.slice("sg_dashboard=".length);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(header).not.toContain(t.adminKey);
    const again = sessionCookieOf(await client.post("/dashboard/login", { key: t.adminKey }));
    expect(again).not.toBe(`sg_dashboard=${id}`);

    const page = await client.get("/dashboard", `sg_dashboard=${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="global-state"');
    expect(page.text).toContain("API_KEY (admin)");
  });

  it("answers a wrong, empty or malformed key with the form and an error, and no session cookie", async () => {
    for (const key of ["sg_wrongwrongwrongwrongwrongwrongwrongwrong123", `${t.adminKey}x`, "", "two words"]) {
      const res = await client.post("/dashboard/login", { key });
      expect(res.status, key).toBe(401);
      expect(res.text).toContain("Invalid or revoked API key.");
      expect(sessionCookieOf(res), key).toBeUndefined();
    }
    expect(t.logs.text()).toContain("dashboard login with an invalid or revoked API key");
  });

  it("refuses a cookie the server never issued, and clears it", async () => {
    const res = await client.get("/dashboard", "sg_dashboard=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    expect(res.status).toBe(303);
    expect(res.location).toBe("/dashboard/login");
    expect(res.setCookies.some((c) => c.startsWith("sg_dashboard=;") && /max-age=0/i.test(c))).toBe(true);
  });

  it("ends the session on logout (with its CSRF token) and when its key is revoked", async () => {
    const cookie = await client.login(t.adminKey);
    const { csrf } = await client.page(cookie);
    expect((await client.post("/dashboard/logout", { csrf: "wrong" }, cookie)).status).toBe(403);
    expect((await client.get("/dashboard", cookie)).status).toBe(200);
    const out = await client.post("/dashboard/logout", { csrf }, cookie);
    expect(out.status).toBe(303);
    expect(out.location).toBe("/dashboard/login");
    expect((await client.get("/dashboard", cookie)).status).toBe(303);

    const { key, apiKey } = await createKey(["read"]);
    const readCookie = await client.login(key);
    expect((await client.get("/dashboard", readCookie)).status).toBe(200);
    expect((await t.http.delete(`/v1/api-keys/${apiKey.id}`).set(t.auth())).status).toBe(200);
    expect((await client.get("/dashboard", readCookie)).location).toBe("/dashboard/login");
    expect((await client.post("/dashboard/login", { key })).status).toBe(401);
  });
});

describe("the kill switch on the page", () => {
  it("refuses a halt without this session's CSRF token, or posted from another site", async () => {
    const cookie = await client.login(t.adminKey);
    const other = await client.page(await client.login(t.adminKey));
    const { csrf } = await client.page(cookie);
    const attempts: Array<[string, Record<string, string>, Record<string, string>]> = [
      ["no token", { state: "HALTED" }, {}],
      // The last character changed to another one (a token ending in "A" stayed right 1 time in 64).
      ["a wrong token", { state: "HALTED", csrf: `${csrf.slice(0, -1)}${csrf.endsWith("A") ? "B" : "A"}` }, {}],
      ["another session's token", { state: "HALTED", csrf: other.csrf }, {}],
      ["a cross-site post", { state: "HALTED", csrf }, { "sec-fetch-site": "cross-site" }],
    ];
    for (const [label, fields, headers] of attempts) {
      const res = await client.post("/dashboard/trading-state", fields, cookie, headers);
      expect(res.status, label).toBe(403);
      expect((await restTradingState(t)).state, label).toBe("ACTIVE");
    }
    // Without a session at all, the form goes nowhere but the login page.
    const anonymous = await client.post("/dashboard/trading-state", { state: "HALTED", csrf });
    expect(anonymous.location).toBe("/dashboard/login");
    expect((await restTradingState(t)).state).toBe("ACTIVE");
  });

  it("halts and resumes, and the REST state agrees each time", async () => {
    const cookie = await client.login(t.adminKey);
    const { csrf } = await client.page(cookie);
    const halted = await client.post("/dashboard/trading-state", { state: "HALTED", reason: "exchange maintenance", csrf }, cookie);
    expect(halted.status).toBe(303);
    expect(halted.location).toBe("/dashboard");
    expect(await restTradingState(t)).toMatchObject({ state: "HALTED", reason: "exchange maintenance", changedBy: "key_env_admin" });
    const page = await client.page(cookie);
    expect(page.html).toMatch(/<span id="global-state" class="state state-HALTED">HALTED<\/span>/);
    expect(page.html).toMatch(/<button type="submit" class="halt" name="state" value="HALTED" disabled="">/);

    expect((await client.post("/dashboard/trading-state", { state: "PAUSED", csrf }, cookie)).status).toBe(400);
    expect((await client.post("/dashboard/trading-state", { state: "ACTIVE", reason: "x".repeat(501), csrf }, cookie)).status).toBe(400);
    expect((await restTradingState(t)).state).toBe("HALTED");

    expect((await client.post("/dashboard/trading-state", { state: "ACTIVE", csrf }, cookie)).status).toBe(303);
    expect(await restTradingState(t)).toMatchObject({ state: "ACTIVE", reason: "dashboard: ACTIVE" });
    expect((await client.page(cookie)).html).toContain(">ACTIVE</span>");
  });

  it("shows read and write keys the page without the controls, and refuses their posts", async () => {
    for (const scopes of [["read"], ["write"]]) {
      const { key } = await createKey(scopes);
      const cookie = await client.login(key);
      const { html, csrf } = await client.page(cookie);
      expect(html).not.toContain('action="/dashboard/trading-state"');
      expect(html).toContain("Halting and resuming need an API key with the &#39;admin&#39; scope.");
      const res = await client.post("/dashboard/trading-state", { state: "HALTED", csrf }, cookie);
      expect(res.status, scopes.join()).toBe(403);
      expect(res.text).toContain("needs an API key with the &#39;admin&#39; scope");
      expect((await restTradingState(t)).state).toBe("ACTIVE");
    }
  });

  // The client reads the token from the first form on the page; the logout form carries the same one.
  it("puts the session's one token in every form of the page", async () => {
    const { html } = await client.page(await client.login(t.adminKey));
    const tokens = [...html.matchAll(/name="csrf" value="([^"]+)"/g)].map((m) => m[1]);
    expect(tokens.length).toBe(2);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toBe(csrfOf(html));
  });
});

describe("what the page shows", () => {
  const HOSTILE_NAME = `<script>document.title="owned"</script><img src=x onerror="alert(1)">`;
  const HOSTILE_COMMENT = `</td></tr><script>alert("comment")</script>`;

  it("lists the signal with its outcome and trace, the order and fill, the position and the account, escaping hostile text", async () => {
    const s = await createStrategy(t, { name: HOSTILE_NAME, riskLimits: { maxOpenPositions: null, maxGrossExposureMultiple: null } });
    const done = await sendAlert(t, s, { ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "100000", comment: HOSTILE_COMMENT });
    expect(done.result.outcome).toBe("EXECUTED");
    const cookie = await client.login(t.adminKey);
    const { html } = await client.page(cookie);

    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;document.title=&quot;owned&quot;&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain("&lt;/td&gt;&lt;/tr&gt;&lt;script&gt;alert(&quot;comment&quot;)&lt;/script&gt;");

    const row = new RegExp(`<tr data-signal="${done.id}">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? "";
    expect(row).toContain('<span class="symbol">BTC/USDT</span>');
    expect(row).toContain(">EXECUTED</span>");
    expect(row).toContain("<summary>1 decision, 1 order, 1 fill</summary>");
    expect(row).toMatch(/leg 0: <span class="outcome outcome-good">approved<\/span>/);

    // Prices and fees as the REST trace has them (the paper venue adds its slippage), exact strings.
    const order = done.trace.orders[0]!;
    const fill = order.fills[0]!;
    const orderRow = new RegExp(`<tr data-order="${order.id}">[\\s\\S]*?</tr>\\s*(?=<tr|</tbody>)`).exec(html)?.[0] ?? "";
    expect(orderRow).toContain(`<summary>0.001 @ ${fill.price}</summary>`);
    expect(orderRow).toContain(`0.001 @ ${fill.price}, fee ${fill.fee} (taker)`);
    expect(html).toMatch(/<tr data-position="[^"]+"><td>BTC\/USDT<\/td><td>long<\/td><td class="num">0.001<\/td>/);

    const account = (await t.http.get("/v1/accounts").set(t.auth())).body.data[0] as { id: string; cash: string; equity: string };
    const accountRow = new RegExp(`<tr data-account="${account.id}">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? "";
    expect(accountRow).toContain(`${account.cash} USDT`);
    expect(accountRow).toContain(`${account.equity} USDT`);
  });

  it("lists a finished backtest with its metrics, and its report opens with the session cookie under the report's CSP", async () => {
    const csv = readFileSync(new URL("../fixtures/ohlcv/binance_ETHUSDT_1h_head300.csv", import.meta.url), "utf8");
    await t.http.post("/v1/candles/import?symbol=ETH/USDT&timeframe=1h").set(t.auth()).set("content-type", "text/csv").send(csv);
    const submitted = await t.http
      .post("/v1/backtests")
      .set(t.auth())
      .send({ strategy: { type: "sma-cross", params: { fast: 5, slow: 20 } }, symbols: ["ETH/USDT"], timeframe: "1h", from: 1745971200000, to: 1747047600000 });
    expect(submitted.status).toBe(202);
    const done = await waitForBacktest(t, submitted.body.id, finished);
    expect(done.status).toBe("succeeded");
    const metrics = done.metrics as { totalReturn: number; trades: number };

    const cookie = await client.login(t.adminKey);
    const { html } = await client.page(cookie);
    const row = new RegExp(`<tr data-backtest="${done.id}">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? "";
    expect(row).toContain(">succeeded</span>");
    expect(row).toContain(`>${(metrics.totalReturn * 100).toFixed(2)}%</td>`);
    expect(row).toContain(`<td class="num">${metrics.trades}</td>`);
    const href = /<a href="([^"]+)">report<\/a>/.exec(row)?.[1];
    expect(href).toBe(`/dashboard/backtests/${done.id}/report`);

    const report = await client.get(href!, cookie);
    expect(report.status).toBe(200);
    expect(report.headers.get("content-security-policy")).toBe(REPORT_CSP);
    const rest = await t.http.get(`/v1/backtests/${done.id}/report`).set(t.auth());
    // The same page as over REST, but for the minute it was generated in.
    const undated = (page: string) => page.replace(/ · generated [^<]*/, "");
    expect(undated(report.text)).toBe(undated(rest.text));
    expect(report.text).toContain(`<code>${done.id}</code>`);
    expect((await client.get(href!)).location).toBe("/dashboard/login");
    const missing = await client.get("/dashboard/backtests/bt_nosuchbacktest/report", cookie);
    expect(missing.status).toBe(404);
    expect(missing.text).toContain("no backtest with id bt_nosuchbacktest");
  });
});

describe("the REST API document", () => {
  it("leaves the dashboard out", () => {
    const paths = Object.keys((describeApi() as unknown as { paths: Record<string, unknown> }).paths);
    expect(paths.length).toBeGreaterThan(10);
    expect(paths.filter((p) => p.startsWith("/dashboard"))).toEqual([]);
  });
});
