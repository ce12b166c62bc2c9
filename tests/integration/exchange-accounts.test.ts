import { is } from "drizzle-orm";
import { PgTable, getTableConfig } from "drizzle-orm/pg-core";
import { NO_LIVE_VENUES } from "../../src/execution/live/live-venues-port.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema/index.js";
import { ExchangeAccountConflictError, registerExchangeAccounts } from "../../src/trading/register-exchange-accounts.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";

const SECRETS = {
  key: "LiveApiKeyValue0000aaaaBBBBccccDDDD",
  secret: "LiveSecretValue1111eeeeFFFFggggHHHH",
  password: "LivePasswordValue2222iiii",
};

const ACCOUNTS = [
  { id: "binance-test", name: "Binance testnet", exchange: "binance", apiKeyEnv: "BINANCE_TESTNET_KEY", secretEnv: "BINANCE_TESTNET_SECRET", marketType: "spot" },
  {
    id: "okx-swap",
    name: "OKX perpetuals",
    exchange: "okx",
    apiKeyEnv: "OKX_KEY",
    secretEnv: "OKX_SECRET",
    passwordEnv: "OKX_PASSWORD",
    sandbox: false,
    marketType: "swap",
    apiBaseUrl: "https://okx-proxy.internal:8443",
  },
];

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    EXCHANGE_ACCOUNTS: JSON.stringify(ACCOUNTS),
    BINANCE_TESTNET_KEY: SECRETS.key,
    BINANCE_TESTNET_SECRET: SECRETS.secret,
    OKX_KEY: SECRETS.key,
    OKX_SECRET: SECRETS.secret,
    OKX_PASSWORD: SECRETS.password,
    // These accounts name real exchanges: nothing here may contact them (tests/integration/live-trading.test.ts trades).
  }, { liveVenues: NO_LIVE_VENUES });
});
afterAll(() => t.close());

const bodies: string[] = [];
async function get(path: string) {
  const res = await t.http.get(path).set(t.auth());
  bodies.push(res.text);
  return res;
}

const unknownStatus = { status: "unknown", checkedAt: null, detail: null };

describe("live accounts from EXCHANGE_ACCOUNTS", () => {
  it("are listed by GET /v1/accounts with their venue, configuration and unknown status, beside the paper account", async () => {
    const res = await get("/v1/accounts");
    expect(res.status).toBe(200);
    const byId = new Map((res.body.data as Array<Record<string, unknown>>).map((a) => [a.id, a]));
    expect(byId.get("binance-test")).toEqual({
      id: "binance-test",
      name: "Binance testnet",
      venue: "binance",
      currency: "USDT",
      startingCash: "0",
      cash: "0",
      fees: "0",
      equity: "0",
      missingMarks: [],
      realizedPnl: "0",
      unrealizedPnl: "0",
      openPositions: 0,
      venueHealth: "unknown",
      kind: "live",
      sandbox: true,
      marketType: "spot",
      credentials: "configured",
      health: unknownStatus,
      reconciliation: unknownStatus,
    });
    expect(byId.get("okx-swap")).toMatchObject({ venue: "okx", kind: "live", sandbox: false, marketType: "swap", credentials: "configured" });
    expect(byId.get("acc_paper")).toMatchObject({ venue: "paper", kind: "paper", venueHealth: "ok" });
    expect(byId.get("acc_paper")).not.toHaveProperty("credentials");
  });

  it("GET /v1/accounts/{id} shows what the venue module reports", async () => {
    expect((await get("/v1/accounts/okx-swap")).body).toMatchObject({ kind: "live", health: unknownStatus, reconciliation: unknownStatus });
    t.services.liveAccounts.status.reportHealth("okx-swap", "degraded", "rate limited; retrying");
    t.services.liveAccounts.status.reportReconciliation("okx-swap", "in_sync");
    const res = await get("/v1/accounts/okx-swap");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      venueHealth: "degraded",
      health: { status: "degraded", checkedAt: expect.any(String), detail: "rate limited; retrying" },
      reconciliation: { status: "in_sync", checkedAt: expect.any(String), detail: null },
    });
  });

  it("can be named by a strategy's accountId", async () => {
    const res = await t.http
      .post("/v1/strategies")
      .set(t.auth())
      .send({ key: "binance-live-trend", name: "trend on the Binance testnet", allowedSymbols: [], passphrase: false, mode: "live", accountId: "binance-test" });
    bodies.push(res.text);
    expect(res.status).toBe(201);
    expect(res.body.strategy).toMatchObject({ accountId: "binance-test" });
    const patched = await t.http.patch(`/v1/strategies/${res.body.strategy.id}`).set(t.auth()).send({ accountId: "okx-swap" });
    bodies.push(patched.text);
    expect(patched.status).toBe(200);
  });

  it("refuse a paper strategy on a live account and a live strategy on a paper one, with 422 ACCOUNT_MODE_MISMATCH", async () => {
    const create = (key: string, config: Record<string, unknown>) =>
      t.http.post("/v1/strategies").set(t.auth()).send({ key, name: key, allowedSymbols: [], passphrase: false, ...config });
    const paperOnLive = await create("paper-on-live", { mode: "paper", accountId: "binance-test" });
    expect(paperOnLive.status).toBe(422);
    expect(paperOnLive.body).toMatchObject({ code: "ACCOUNT_MODE_MISMATCH", errors: [{ path: "accountId" }] });
    const liveOnShared = await create("live-on-shared", { mode: "live" });
    expect(liveOnShared.status).toBe(422);
    expect(liveOnShared.body.code).toBe("ACCOUNT_MODE_MISMATCH");
    // A live strategy cannot be demoted to paper while it keeps a live account; retiring it is fine.
    const live = await create("live-ok", { mode: "live", accountId: "okx-swap" });
    expect(live.status).toBe(201);
    const toPaper = await t.http.post(`/v1/strategies/${live.body.strategy.id}/stage`).set(t.auth()).send({ to: "paper", accountId: "okx-swap" });
    expect(toPaper.status).toBe(422);
    expect(toPaper.body.code).toBe("ACCOUNT_MODE_MISMATCH");
    const retired = await t.http.post(`/v1/strategies/${live.body.strategy.id}/stage`).set(t.auth()).send({ to: "retired" });
    expect(retired.status).toBe(200);
    expect(retired.body.strategy).toMatchObject({ stage: "retired", mode: "disabled" });
    expect((await create("nothing-named", {})).status).toBe(201);
  });

  it("give the venue module their credentials from the environment, on request only", () => {
    expect(t.services.liveAccounts.credentialsOf("okx-swap")).toEqual({ apiKey: SECRETS.key, secret: SECRETS.secret, password: SECRETS.password });
    expect(() => t.services.liveAccounts.credentialsOf("acc_paper")).toThrow("no live account");
    expect(JSON.stringify(t.services.config.exchangeAccounts)).not.toContain(SECRETS.key);
  });

  it("refuse to take over an id that belongs to another venue, and follow a renamed account", async () => {
    const created = await t.http.post("/v1/accounts").set(t.auth()).send({ id: "btc-desk", name: "BTC desk", startingCash: "100" });
    expect(created.status).toBe(201);
    const clock = t.services.clock;
    const db = t.db.database.db;
    const base = { ...ACCOUNTS[0]!, sandbox: true, marketType: "spot" as const, currency: "USDT" };
    await expect(registerExchangeAccounts(db, [{ ...base, id: "btc-desk" }], clock)).rejects.toBeInstanceOf(ExchangeAccountConflictError);
    await expect(registerExchangeAccounts(db, [{ ...base, exchange: "bybit" }], clock)).rejects.toThrow(
      "account 'binance-test' already exists on venue binance in USDT; it cannot become a bybit account in USDT",
    );
    await registerExchangeAccounts(db, [{ ...base, name: "Binance testnet (renamed)" }], clock);
    expect((await get("/v1/accounts/binance-test")).body).toMatchObject({ name: "Binance testnet (renamed)", cash: "0" });
  });

  it("never show a credential value: not in a response, the log, or any database row", async () => {
    await get("/v1/accounts");
    await get("/v1/accounts/binance-test");
    await get("/openapi.json");
    const logs = t.logs.text();
    expect(logs.length).toBeGreaterThan(0);
    const tables = (Object.values(schema) as unknown[]).filter((v): v is PgTable => is(v, PgTable));
    expect(tables.length).toBeGreaterThan(5);
    const rows: string[] = [];
    for (const table of tables) {
      rows.push(`${getTableConfig(table).name}: ${JSON.stringify(await t.db.database.db.select().from(table))}`);
    }
    const stored = rows.join("\n");
    expect(stored).toContain("binance-test");
    for (const [name, value] of Object.entries(SECRETS)) {
      for (const body of bodies) expect(body, `${name} in a response`).not.toContain(value);
      expect(logs, `${name} in the log`).not.toContain(value);
      expect(stored, `${name} in the database`).not.toContain(value);
    }
    // The API shows neither the variables' names nor the base URL: only that credentials are configured.
    const all = bodies.join("\n");
    expect(all).not.toContain("BINANCE_TESTNET_KEY");
    expect(all).not.toContain("okx-proxy.internal");
  });
});
