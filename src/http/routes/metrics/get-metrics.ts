import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { constantTimeEqual } from "../../../lib/secrets.js";
import { ApiError } from "../../errors.js";
import { errorResponses, ProblemSchema } from "../../openapi.js";

export const METRICS_TOKEN_SCHEME = "metricsToken";

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

const route = createRoute({
  method: "get",
  path: "/metrics",
  tags: ["health"],
  operationId: "getMetrics",
  summary: "Prometheus metrics",
  description:
    "The Prometheus text exposition format: HTTP request durations by route pattern and status, signal " +
    "deliveries by source, outcome and rejection reason, risk decisions by outcome and reason, orders placed " +
    "by venue and status, fills, exchange call latency and errors, the signal queue's depth and oldest age, " +
    "the backtest queue, the database pool's size and the process's own metrics (event-loop lag among them), " +
    "all prefixed `signal_gateway_`. Open unless METRICS_TOKEN is set; then `Authorization: Bearer <METRICS_TOKEN>`.",
  // Either no credential (METRICS_TOKEN unset) or the metrics token: the document cannot know which.
  security: [{}, { [METRICS_TOKEN_SCHEME]: [] }],
  responses: {
    200: {
      description: "Every series, in the text exposition format (version 0.0.4).",
      content: { "text/plain": { schema: z.string() } },
    },
    // Not the shared UNAUTHORIZED text, which speaks of API keys: an API key is no metrics token.
    401: {
      description: "METRICS_TOKEN is set and the request does not carry it as `Authorization: Bearer <token>`.",
      content: { "application/problem+json": { schema: ProblemSchema } },
    },
    ...errorResponses("PAYLOAD_TOO_LARGE"),
  },
});

/** Refuses the scrape unless it carries the configured token; compared in constant time (invariant 8). */
function requireMetricsToken(c: Context, token: string | undefined): void {
  if (token === undefined) return;
  const header = c.req.header("authorization");
  if (!header) throw new ApiError("UNAUTHORIZED", "missing Authorization: Bearer <metrics token> header");
  const presented = BEARER.exec(header)?.[1];
  if (!presented || !constantTimeEqual(presented, token)) throw new ApiError("UNAUTHORIZED", "invalid metrics token");
}

export function registerGetMetrics(app: OpenAPIHono) {
  app.openAPIRegistry.registerComponent("securitySchemes", METRICS_TOKEN_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "METRICS_TOKEN, when it is set: `Authorization: Bearer <token>`.",
  });
  app.openapi(route, async (c) => {
    const { config, metrics } = c.get("services");
    requireMetricsToken(c, config.METRICS_TOKEN);
    const { contentType, body } = await metrics.render();
    return c.body(body, 200, { "content-type": contentType, "cache-control": "no-store" });
  });
}
