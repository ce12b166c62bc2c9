import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { apiKeyWithScopes } from "../helpers/manual-trading.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ PAPER_STARTING_CASH: "10000" });
});
afterAll(() => t.close());

const create = (body: Record<string, unknown>, key?: string) => t.http.post("/v1/accounts").set(t.auth(key)).send(body);

/** What a paper account that has never traded looks like, in every field GET /v1/accounts shows. */
const untouched = (id: string, name: string, cash: string) => ({
  id,
  name,
  venue: "paper",
  currency: "USDT",
  startingCash: cash,
  cash,
  fees: "0",
  equity: cash,
  missingMarks: [],
  realizedPnl: "0",
  unrealizedPnl: "0",
  openPositions: 0,
  venueHealth: "ok",
  kind: "paper",
});

describe("POST /v1/accounts", () => {
  it("opens a paper account holding its starting cash, readable by id and in the list", async () => {
    const res = await create({ id: "btc-desk", name: "BTC desk", startingCash: "2500" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual(untouched("btc-desk", "BTC desk", "2500"));

    const one = await t.http.get("/v1/accounts/btc-desk").set(t.auth());
    expect(one.status).toBe(200);
    expect(one.body).toEqual(res.body);
    const all = await t.http.get("/v1/accounts").set(t.auth());
    expect(all.body.data).toEqual(expect.arrayContaining([res.body, untouched("acc_paper", "paper (shared)", "10000")]));
  });

  it("generates an id when none is given and keeps the cash exact", async () => {
    const res = await create({ name: "scratch", currency: "USDT", startingCash: "1234.567890123456789" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.id).toMatch(/^acc_[A-Za-z0-9_-]{16}$/);
    expect(res.body).toMatchObject({ startingCash: "1234.567890123456789", cash: "1234.567890123456789", equity: "1234.567890123456789" });
    expect((await t.http.get(`/v1/accounts/${res.body.id}`).set(t.auth())).body.cash).toBe("1234.567890123456789");
  });

  it("answers 409 CONFLICT for an id that is taken, and leaves the first account as it was", async () => {
    expect((await create({ id: "dup-desk", name: "first", startingCash: "100" })).status).toBe(201);
    const again = await create({ id: "dup-desk", name: "second", startingCash: "999" });
    expect(again.status).toBe(409);
    expect(again.headers["content-type"]).toContain("application/problem+json");
    expect(again.body).toMatchObject({ code: "CONFLICT", status: 409 });
    expect((await t.http.get("/v1/accounts/dup-desk").set(t.auth())).body).toMatchObject({ name: "first", startingCash: "100", cash: "100" });

    const shared = await create({ id: "acc_paper", name: "hijack", startingCash: "1" });
    expect(shared.status).toBe(409);
    expect((await t.http.get("/v1/accounts/acc_paper").set(t.auth())).body).toMatchObject({ name: "paper (shared)", cash: "10000" });
  });

  it.each([
    ["a starting cash of 0", { startingCash: "0" }, "startingCash"],
    ["a negative starting cash", { startingCash: "-5" }, "startingCash"],
    ["a starting cash in exponent notation", { startingCash: "1e3" }, "startingCash"],
    ["a starting cash as a JSON number", { startingCash: 2500 }, "startingCash"],
    ["a currency other than USDT", { currency: "EUR" }, "currency"],
    ["an id that is not a slug", { id: "Desk A" }, "id"],
    ["an id over 63 characters", { id: "a".repeat(64) }, "id"],
    ["an empty name", { name: " " }, "name"],
    ["an unknown field", { leverage: "3" }, "leverage"],
  ])("answers 400 VALIDATION_FAILED for %s, naming the field", async (_, change, path) => {
    const res = await create({ id: "bad-input", name: "bad", startingCash: "100", ...change });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.code).toBe("VALIDATION_FAILED");
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
    expect((await t.http.get("/v1/accounts/bad-input").set(t.auth())).status).toBe(404);
  });

  it("says which currency the paper venue takes", async () => {
    const res = await create({ name: "euro", currency: "EUR", startingCash: "100" });
    expect(res.body.errors).toEqual([{ path: "currency", message: "the paper venue settles in USDT only" }]);
  });

  it("reports every bad field at once", async () => {
    const res = await create({ id: "-x", currency: "BTC", startingCash: "abc" });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["currency", "id", "name", "startingCash"]);
  });

  it("needs a key with the write scope", async () => {
    const body = { id: "auth-desk", name: "auth", startingCash: "100" };
    const anonymous = await t.http.post("/v1/accounts").send(body);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe("UNAUTHORIZED");
    const readOnly = await create(body, await apiKeyWithScopes(t, ["read"]));
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.code).toBe("FORBIDDEN");
    expect((await t.http.get("/v1/accounts/auth-desk").set(t.auth())).status).toBe(404);
    expect((await create(body, await apiKeyWithScopes(t, ["write"]))).status).toBe(201);
  });
});

describe("GET /v1/accounts/{id}", () => {
  it("answers 404 NOT_FOUND for an unknown account", async () => {
    const res = await t.http.get("/v1/accounts/no-such-desk").set(t.auth());
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("NOT_FOUND");
  });

  it("needs an API key; a read key is enough", async () => {
    expect((await t.http.get("/v1/accounts/acc_paper")).status).toBe(401);
    expect((await t.http.get("/v1/accounts/acc_paper").set(t.auth(await apiKeyWithScopes(t, ["read"])))).status).toBe(200);
  });
});
