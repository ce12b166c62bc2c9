import { describe, expect, it } from "vitest";
import { z } from "zod";
import { hasScope } from "../../src/auth/scopes.js";
import { describePostgresUrl } from "../../src/db/client.js";
import { codeForStatus, ERROR_CODES, ERROR_STATUS, GENERIC_CODES, problemBody } from "../../src/http/errors.js";
import { sanitizePath } from "../../src/http/middleware/request-log.js";
import { fieldErrors } from "../../src/http/on-error.js";
import { constantTimeEqual } from "../../src/lib/secrets.js";

describe("problem documents", () => {
  it("maps every generic code to a distinct status and back", () => {
    const statuses = GENERIC_CODES.map((c) => ERROR_STATUS[c]);
    expect(new Set(statuses).size).toBe(GENERIC_CODES.length);
    for (const code of GENERIC_CODES) expect(codeForStatus(ERROR_STATUS[code])).toBe(code);
    for (const code of ERROR_CODES) expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
  });

  it("builds an RFC 9457 body with the code, status and request id", () => {
    expect(problemBody("RATE_LIMITED", "slow down", "req_1")).toEqual({
      type: "urn:signal-gateway:problem:rate-limited",
      title: "Too many requests",
      status: 429,
      detail: "slow down",
      code: "RATE_LIMITED",
      requestId: "req_1",
    });
  });

  it("reports nested and unknown fields by their dotted path", () => {
    const schema = z.object({ a: z.object({ b: z.number() }), list: z.array(z.string()) }).strict();
    const result = schema.safeParse({ a: { b: "x" }, list: [1], extra: true });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(fieldErrors(result.error).map((e) => e.path).sort()).toEqual(["a.b", "extra", "list.0"]);
    expect(fieldErrors(result.error, "query").map((e) => e.path)).toContain("query.a.b");
  });
});

describe("log hygiene", () => {
  it("masks opaque segments and keeps readable ones", () => {
    expect(sanitizePath("/webhooks/tradingview/Zx81kQ_aa01-bb02cc03dd04")).toBe("/webhooks/tradingview/[redacted]");
    expect(sanitizePath("/v1/api-keys/key_abc")).toBe("/v1/api-keys/key_abc");
  });

  it("describes a PostgreSQL URL without its user or password", () => {
    const target = describePostgresUrl("postgres://trader:p%40ss@db.example.internal:6543/gw?sslmode=require");
    expect(target).toBe("postgres://db.example.internal:6543/gw");
    expect(describePostgresUrl("postgres://h")).toBe("postgres://h:5432/(default)");
  });
});

describe("scopes and secrets", () => {
  it("ranks scopes read < write < admin", () => {
    const p = (scopes: Array<"read" | "write" | "admin">) => ({ keyId: "k", name: "n", scopes });
    expect(hasScope(p(["read"]), "read")).toBe(true);
    expect(hasScope(p(["read"]), "write")).toBe(false);
    expect(hasScope(p(["write"]), "read")).toBe(true);
    expect(hasScope(p(["write"]), "admin")).toBe(false);
    expect(hasScope(p(["admin"]), "write")).toBe(true);
  });

  it("compares secrets of any lengths", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
  });
});
