import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, spawnGateway, type GatewayProcess } from "../helpers/gateway-process.js";
import { adminDatabaseUrl, createScratchPostgresDatabase } from "../helpers/test-database.js";

const ADMIN = "crash-drill-admin-key-0123456789abcdef01";
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

type Row = { id: string; status: string; rawBody: string; attempts: number; processedAt: string | null };

async function ledger(url: string, strategy: string): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `strategy=${strategy}&limit=500${cursor ? `&cursor=${cursor}` : ""}`;
    const res = await fetch(`${url}/v1/signals?${query}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const page = (await res.json()) as { data: Row[]; nextCursor: string | null };
    rows.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

/**
 * Invariants 1 and 7 end to end: kill -9 the gateway while alerts stream in, start it again on the
 * same database, and check that every alert that got a 2xx is in the ledger and processed, once.
 */
describe("crash drill", () => {
  it("loses nothing that was acknowledged and processes it exactly once after kill -9", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "sg-crash-"));
    cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
    const env: Record<string, string> = {
      API_KEY: ADMIN,
      SIGNAL_WORKERS: "2",
      WEBHOOK_RATE_LIMIT_PER_ADDRESS: "0",
      WEBHOOK_RATE_LIMIT_PER_TOKEN: "0",
      LOG_LEVEL: "warn",
    };
    const admin = adminDatabaseUrl();
    if (admin) {
      const scratch = await createScratchPostgresDatabase(admin);
      cleanups.push(() => scratch.drop());
      env.DATABASE_URL = scratch.url;
    }
    const port = await freePort();
    const boot = (): GatewayProcess => {
      const g = spawnGateway({ cwd, env, port });
      cleanups.push(() => void (g.child.exitCode === null && g.child.kill("SIGKILL")));
      return g;
    };

    const first = boot();
    await first.waitFor("/readyz", 15_000);
    const created = await fetch(`${first.url}/v1/strategies`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ key: "drill", name: "drill" }),
    });
    const webhook = new URL(((await created.json()) as { webhookUrl: string }).webhookUrl).pathname;

    const acknowledged = new Map<number, string>();
    let sent = 0;
    let stop = false;
    const sender = async (lane: string) => {
      while (!stop) {
        const n = sent++;
        try {
          const res = await fetch(`${first.url}${webhook}`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ ticker: lane, action: n % 2 ? "sell" : "buy", quantity: "0.001", n }),
          });
          if (res.status === 202) acknowledged.set(n, ((await res.json()) as { id: string }).id);
        } catch {
          // the gateway died mid-request: this alert was never acknowledged
        }
      }
    };
    const senders = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "BTCUSDT"].map(sender);
    while (acknowledged.size < 40) await new Promise((r) => setTimeout(r, 10));
    first.child.kill("SIGKILL");
    stop = true;
    await Promise.all(senders);
    await first.exited;

    const second = boot();
    await second.waitFor("/readyz", 15_000);
    let rows: Row[] = [];
    const deadline = Date.now() + 30_000;
    do {
      rows = await ledger(second.url, "drill");
      if (rows.every((r) => r.status === "processed")) break;
      await new Promise((r) => setTimeout(r, 200));
    } while (Date.now() < deadline);

    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const [n, id] of acknowledged) {
      const row = byId.get(id);
      expect(row, `acknowledged alert ${n} is missing from the ledger`).toBeDefined();
      expect(row?.status).toBe("processed");
      expect(row?.processedAt).not.toBeNull();
    }
    // Nothing twice: one ledger row per alert, and no alert claimed more than once beyond the crash.
    const ns = rows.map((r) => (JSON.parse(r.rawBody) as { n: number }).n);
    expect(new Set(ns).size).toBe(ns.length);
    expect(rows.every((r) => r.attempts <= 2)).toBe(true);
    expect(rows.length).toBeGreaterThanOrEqual(acknowledged.size);
    expect(rows.length).toBeLessThanOrEqual(sent);

    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
  }, 90_000);
});
