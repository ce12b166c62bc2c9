// These two build their zod schemas with plain zod, here before anything has imported
// @hono/zod-openapi: the order a script or a shared test worker can load them in.
import { CanonicalSignalSchema } from "../../src/domain/signal.js";
import { BuiltinStrategySpecSchema } from "../../src/strategy/builtin/registry.js";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("the OpenAPI document", () => {
  it("is the committed one even when the domain schemas were built before the routes were imported", async () => {
    expect("openapi" in CanonicalSignalSchema).toBe(false);
    expect("openapi" in BuiltinStrategySpecSchema).toBe(false);
    const { describeApi } = await import("../../src/app.js");
    const { renderOpenApiYaml } = await import("../../src/http/render-document.js");
    const committed = readFileSync(new URL("../../openapi.yaml", import.meta.url), "utf8");
    expect(renderOpenApiYaml(describeApi())).toBe(committed);
    // Importing the whole app compiles every route: past the unit default of 5 s when the full suite loads both CPUs.
  }, 30_000);
});
