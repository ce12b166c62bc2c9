import { execFile } from "node:child_process";
import { accessSync, constants, copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { createStrategy } from "../helpers/strategies.js";
import { waitProcessed } from "../helpers/trading.js";
import { restTradingState } from "./dashboard-client.js";

// Issue 7's acceptance: log in through the form in the system Chromium, see a webhook sent by the
// real curl binary, halt from the page, and leave a full-page screenshot behind.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const ARTIFACT = new URL("../artifacts/dashboard.png", import.meta.url);
const STRATEGY_NAME = `Trend <script>document.title="owned"</script> & "friends"`;
const VIEWPORT = { width: 1366, height: 900 };

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
const hasChromium = isExecutable(CHROMIUM);
const run = promisify(execFile);

/** POSTs with the curl binary, as an operator would; returns the status and the parsed body. */
async function curlJson(url: string, body: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const { stdout } = await run("curl", ["-sS", "-X", "POST", "-H", "content-type: application/json", "--data-binary", body, "-w", "\n%{http_code}", url]);
  const newline = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(newline + 1)), body: JSON.parse(stdout.slice(0, newline)) as Record<string, unknown> };
}

describe.skipIf(!hasChromium)(
  hasChromium ? "the dashboard in headless Chromium" : `the dashboard in headless Chromium: skipped, no Chromium executable at ${CHROMIUM} (set CHROMIUM_PATH)`,
  () => {
    let t: TestApp;
    let browser: Browser;

    beforeAll(async () => {
      t = await startTestApp();
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
    });

    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    it("logs in through the form, shows a webhook sent by curl, halts from the page, and saves a screenshot", async () => {
      const strategy = await createStrategy(t, { name: STRATEGY_NAME });
      const context = await browser.newContext({ viewport: VIEWPORT });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
      await page.addInitScript({
        content: `window.__csp = []; document.addEventListener("securitypolicyviolation", (e) => window.__csp.push("csp: " + e.violatedDirective + " " + e.blockedURI), true);`,
      });
      try {
        // Logged out, the page sends the browser to the form; a wrong key stays there with an error.
        await page.goto(`${t.baseUrl}/dashboard`);
        expect(page.url()).toBe(`${t.baseUrl}/dashboard/login`);
        await page.fill("#key", "sg_notthekeynotthekeynotthekeynotthekey0");
        await page.click("button[type=submit]");
        await expect.poll(() => page.locator("#login-error").textContent()).toBe("Invalid or revoked API key.");
        // The refusal is a 401, which Chromium reports on the console; it is the only thing reported so far.
        expect(problems).toEqual(["console error: Failed to load resource: the server responded with a status of 401 (Unauthorized)"]);
        problems.length = 0;
        await page.fill("#key", t.adminKey);
        await Promise.all([page.waitForURL(`${t.baseUrl}/dashboard`), page.click("button[type=submit]")]);
        const cookie = (await context.cookies()).find((c) => c.name === "sg_dashboard");
        expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/dashboard" });
        expect(cookie?.value).not.toContain(t.adminKey);
        expect(await page.locator("#global-state").textContent()).toBe("ACTIVE");

        const alert = JSON.stringify({ ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "100000", comment: "sent with curl" });
        const sent = await curlJson(`${t.baseUrl}${strategy.webhookPath}`, alert);
        expect(sent.status, JSON.stringify(sent.body)).toBe(202);
        const signalId = sent.body.id as string;
        await waitProcessed(t, signalId);

        await page.reload();
        const row = page.locator(`tr[data-signal="${signalId}"]`);
        expect(await row.locator(".symbol").textContent()).toBe("BTC/USDT");
        expect(await row.locator(".signal-outcome").textContent()).toBe("EXECUTED");
        expect(await row.locator(".comment").textContent()).toBe("sent with curl");
        // The hostile name is text on the page, and nothing ran.
        expect(await row.locator("td").nth(1).textContent()).toBe(STRATEGY_NAME);
        expect(await page.evaluate("document.scripts.length")).toBe(0);
        expect(await page.title()).toBe("ACTIVE · signal-gateway");
        await row.locator("summary").click();
        expect(await row.locator("details li", { hasText: "leg 0:" }).textContent()).toBe("leg 0: approved");
        expect(await row.locator("details li", { hasText: "leg 0:" }).isVisible()).toBe(true);

        await page.fill("input[name=reason]", "drill from the browser test");
        await Promise.all([page.waitForURL(`${t.baseUrl}/dashboard`), page.click("button[value=HALTED]")]);
        expect(await page.locator("#global-state").textContent()).toBe("HALTED");
        expect(await page.locator("button[value=HALTED]").isDisabled()).toBe(true);
        expect(await restTradingState(t)).toMatchObject({ state: "HALTED", reason: "drill from the browser test", changedBy: "key_env_admin" });

        const shot = join(tmpdir(), `signal-gateway-dashboard-${process.pid}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        console.log(`dashboard screenshot: ${shot}`);
        mkdirSync(new URL(".", ARTIFACT), { recursive: true });
        copyFileSync(shot, ARTIFACT);
        // A PNG of the whole page: the signature, the viewport's width, and at least the document's height.
        const png = readFileSync(shot);
        expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
        expect(png.readUInt32BE(16)).toBe(VIEWPORT.width);
        expect(png.readUInt32BE(20)).toBe(await page.evaluate("document.documentElement.scrollHeight"));

        expect([...problems, ...((await page.evaluate("window.__csp")) as string[])]).toEqual([]);
      } finally {
        await context.close();
      }
    }, 60_000);
  },
);
