import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/harness.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ BODY_LIMIT_BYTES: "2048" });
});
afterAll(() => t.close());

describe("health and readiness", () => {
  it("answers /healthz without a key", async () => {
    const res = await t.http.get("/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });

  it("reports ready when the database answers and migrations are applied", async () => {
    const res = await t.http.get("/readyz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ready", checks: { database: "ok", migrations: "ok" } });
  });
});

describe("request ids", () => {
  it("keeps a well-formed id from the client", async () => {
    const res = await t.http.get("/healthz").set("x-request-id", "tv-alert_42=abc");
    expect(res.headers["x-request-id"]).toBe("tv-alert_42=abc");
    const line = t.logs.requestLines().find((l) => l.requestId === "tv-alert_42=abc");
    expect(line).toMatchObject({ method: "GET", route: "/healthz", status: 200 });
    expect(typeof line?.durationMs).toBe("number");
  });

  it("replaces a malformed or oversized id", async () => {
    for (const bad of ["has space", "<script>", "x".repeat(129)]) {
      const res = await t.http.get("/healthz").set("x-request-id", bad);
      expect(res.headers["x-request-id"]).toMatch(/^req_[\w-]+$/);
    }
  });

  it("puts an id on error responses too, matching the problem body", async () => {
    const res = await t.http.get("/v1/api-keys");
    expect(res.status).toBe(401);
    expect(res.headers["x-request-id"]).toBeTruthy();
    expect(res.body.requestId).toBe(res.headers["x-request-id"]);
  });
});

describe("security headers", () => {
  it("are on successful, error and not-found responses alike", async () => {
    for (const res of [await t.http.get("/healthz"), await t.http.get("/v1/api-keys"), await t.http.get("/nope")]) {
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
      expect(res.headers["x-request-id"]).toBeTruthy();
    }
  });
});

describe("unknown routes", () => {
  it("answers 404 problem+json", async () => {
    const res = await t.http.get("/no/such/route").set("x-request-id", "nf-1");
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toBe("application/problem+json");
    expect(res.body).toMatchObject({ status: 404, code: "NOT_FOUND", requestId: "nf-1" });
  });

  it("masks opaque path segments in the 404 detail", async () => {
    const token = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6";
    const res = await t.http.post(`/webhook/tradingview/${token}`).send("{}");
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain(token);
  });
});

describe("body size limit", () => {
  it("answers 413 when Content-Length exceeds the limit", async () => {
    const res = await t.http
      .post("/v1/api-keys")
      .set(t.auth())
      .set("content-type", "application/json")
      .send(JSON.stringify({ name: "x".repeat(4000), scopes: ["read"] }));
    expect(res.status).toBe(413);
    expect(res.headers["content-type"]).toBe("application/problem+json");
    expect(res.body.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers 413 for a chunked body that grows past the limit, before authentication", async () => {
    const req = t.http.post("/v1/api-keys").set("content-type", "application/json");
    req.write("[" + "1,".repeat(3000));
    req.write("1]");
    const res = await req;
    expect(res.status).toBe(413);
  });

  it("accepts a body under the limit", async () => {
    const res = await t.http
      .post("/v1/api-keys")
      .set(t.auth())
      .send({ name: "small", scopes: ["read"] });
    expect(res.status).toBe(201);
  });
});

describe("readiness when the database is gone", () => {
  it("answers 503 naming the failing check, while /healthz stays 200", async () => {
    await t.db.kill();
    const res = await t.http.get("/readyz");
    expect(res.status).toBe(503);
    expect(res.headers["content-type"]).toBe("application/problem+json");
    expect(res.body).toMatchObject({ code: "SERVICE_UNAVAILABLE", checks: { database: "failed" } });
    expect(res.body.detail).toContain("database");
    expect((await t.http.get("/healthz")).status).toBe(200);
  });

  it("turns a failing query into a 500 that carries only the request id", async () => {
    const res = await t.http.get("/v1/api-keys").set(t.auth("sg_" + "z".repeat(43))).set("x-request-id", "boom-1");
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: "INTERNAL", requestId: "boom-1" });
    expect(JSON.stringify(res.body)).not.toMatch(/select|api_keys|pglite|postgres/i);
    const logged = t.logs.lines().find((l) => l.msg === "unhandled error" && l.requestId === "boom-1");
    expect(logged?.err).toBeTruthy();
  });
});
