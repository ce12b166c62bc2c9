import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeApi } from "../../src/app.js";
import { renderOpenApiYaml } from "../../src/http/render-document.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { lintOpenApiFile } from "../helpers/lint-openapi.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type Operation = { security?: unknown[]; responses: Record<string, unknown> };
// The webhook route has its own authentication (the token in its path), so it declares no scheme;
// /metrics is open unless METRICS_TOKEN is set, so it declares "none, or the token".
const PUBLIC_PATHS = new Set(["/healthz", "/readyz", "/openapi.json", "/docs", "/webhooks/tradingview/{token}", "/metrics"]);

describe("OpenAPI", () => {
  it("commits an openapi.yaml identical to what the code generates (run `npm run openapi`)", () => {
    const committed = readFileSync(new URL("../../openapi.yaml", import.meta.url), "utf8");
    expect(committed).toBe(renderOpenApiYaml(describeApi()));
  });

  it("lints clean with Redocly", async () => {
    expect(await lintOpenApiFile()).toEqual([]);
  });

  it("serves the same document at /openapi.json, without a key", async () => {
    const res = await t.http.get("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    expect(res.body).toEqual(JSON.parse(JSON.stringify(describeApi())));
  });

  it("declares security and error responses on every operation", () => {
    const doc = describeApi() as unknown as { paths: Record<string, Record<string, Operation>> };
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(op.security, where).toBeDefined();
        const open = op.security?.length === 0 || op.security?.some((s) => Object.keys(s as object).length === 0);
        expect(open, where).toBe(PUBLIC_PATHS.has(path));
        expect(Object.keys(op.responses), where).toContain("500");
        if (!PUBLIC_PATHS.has(path)) expect(Object.keys(op.responses), where).toEqual(expect.arrayContaining(["401", "403"]));
      }
    }
  });

  it("serves an interactive reference at /docs from local assets", async () => {
    const page = await t.http.get("/docs");
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    for (const src of page.text.match(/(?:src|href)="([^"]+)"/g) ?? []) {
      const url = src.replace(/^(?:src|href)="|"$/g, "");
      const asset = await t.http.get(url);
      expect(asset.status, url).toBe(200);
      expect(asset.text.length, url).toBeGreaterThan(10);
    }
    expect((await t.http.get("/docs/assets/package.json")).status).toBe(404);
  });
});
