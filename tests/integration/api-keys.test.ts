import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeys } from "../../src/db/schema/api-keys.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function createKey(scopes: string[], name = `key ${scopes.join("+")}`) {
  const res = await t.http.post("/v1/api-keys").set(t.auth()).send({ name, scopes });
  expect(res.status).toBe(201);
  return res.body as { key: string; apiKey: { id: string; scopes: string[] } };
}

describe("authentication (401)", () => {
  const cases: Array<[string, Record<string, string>]> = [
    ["no Authorization header", {}],
    ["a scheme other than Bearer", { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` }],
    ["an empty bearer", { authorization: "Bearer " }],
    ["a wrong key", { authorization: "Bearer sg_wrongwrongwrongwrongwrongwrongwrongwrong123" }],
    ["a near miss of the admin key", { authorization: `Bearer ${"test-admin-key-0123456789abcdef0123456789".slice(0, -1)}X` }],
  ];
  for (const [label, headers] of cases) {
    it(`rejects ${label} with 401 problem+json`, async () => {
      const res = await t.http.get("/v1/api-keys").set(headers);
      expect(res.status).toBe(401);
      expect(res.headers["content-type"]).toBe("application/problem+json");
      expect(res.body).toMatchObject({ status: 401, code: "UNAUTHORIZED", title: "Unauthorized" });
      expect(res.body.type).toMatch(/^urn:signal-gateway:problem:/);
    });
  }

  it("rejects a key once it is revoked", async () => {
    const { key, apiKey } = await createKey(["read"]);
    expect((await t.http.get("/v1/api-keys").set(t.auth(key))).status).toBe(403);
    const revoked = await t.http.delete(`/v1/api-keys/${apiKey.id}`).set(t.auth());
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await t.http.get("/v1/api-keys").set(t.auth(key))).status).toBe(401);
  });

  it("authenticates a created key by its full value only", async () => {
    const { key } = await createKey(["admin"]);
    expect((await t.http.get("/v1/api-keys").set(t.auth(key))).status).toBe(200);
    expect((await t.http.get("/v1/api-keys").set(t.auth(key.slice(0, -1)))).status).toBe(401);
  });

  it("reads the Bearer scheme in any case, as HTTP defines it", async () => {
    const { key } = await createKey(["admin"]);
    for (const scheme of ["bearer", "BEARER", "BeArEr"]) {
      expect((await t.http.get("/v1/api-keys").set({ authorization: `${scheme} ${key}` })).status).toBe(200);
    }
    expect((await t.http.get("/v1/api-keys").set({ authorization: `bearer ${key}x` })).status).toBe(401);
  });
});

describe("scopes (403)", () => {
  it("forbids key management to read and write keys", async () => {
    for (const scope of ["read", "write"]) {
      const { key } = await createKey([scope]);
      const list = await t.http.get("/v1/api-keys").set(t.auth(key));
      expect(list.status).toBe(403);
      expect(list.body).toMatchObject({ code: "FORBIDDEN" });
      expect(list.body.detail).toContain("admin");
      const create = await t.http.post("/v1/api-keys").set(t.auth(key)).send({ name: "escalate", scopes: ["admin"] });
      expect(create.status).toBe(403);
    }
  });
});

describe("POST /v1/api-keys", () => {
  it("returns the key once and stores only its digest", async () => {
    const { key, apiKey } = await createKey(["read", "read"], "dashboard");
    expect(key).toMatch(/^sg_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ name: "dashboard", scopes: ["read"], revokedAt: null });
    expect(apiKey.id).toMatch(/^key_/);
    const list = await t.http.get("/v1/api-keys").set(t.auth());
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(list.body.data.map((k: { id: string }) => k.id)).toContain(apiKey.id);
    const [stored] = await t.services.database.db
      .select({ keyHash: apiKeys.keyHash })
      .from(apiKeys)
      .where(eq(apiKeys.id, apiKey.id));
    const hash = stored?.keyHash ?? "";
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(key);
  });

  it("reports every invalid field at once", async () => {
    const res = await t.http.post("/v1/api-keys").set(t.auth()).send({ name: "", scopes: ["root"], extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_FAILED");
    const paths = res.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(["extra", "name", "scopes.0"]);
  });

  it("rejects malformed JSON with 400", async () => {
    const res = await t.http.post("/v1/api-keys").set(t.auth()).set("content-type", "application/json").send("{nope");
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_FAILED");
  });

  it("rejects a body that is not JSON with 415", async () => {
    const res = await t.http.post("/v1/api-keys").set(t.auth()).set("content-type", "text/plain").send("name=x");
    expect(res.status).toBe(415);
    expect(res.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });
});

describe("DELETE /v1/api-keys/{id}", () => {
  it("answers 404 for an unknown key", async () => {
    const res = await t.http.delete("/v1/api-keys/key_doesnotexist").set(t.auth());
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("NOT_FOUND");
  });

  it("refuses to let a key revoke itself", async () => {
    const { key, apiKey } = await createKey(["admin"]);
    const res = await t.http.delete(`/v1/api-keys/${apiKey.id}`).set(t.auth(key));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("CONFLICT");
    expect((await t.http.get("/v1/api-keys").set(t.auth(key))).status).toBe(200);
  });

  it("is idempotent for an already revoked key", async () => {
    const { apiKey } = await createKey(["read"]);
    const first = await t.http.delete(`/v1/api-keys/${apiKey.id}`).set(t.auth());
    const second = await t.http.delete(`/v1/api-keys/${apiKey.id}`).set(t.auth());
    expect(second.status).toBe(200);
    expect(second.body.revokedAt).toBe(first.body.revokedAt);
  });
});
