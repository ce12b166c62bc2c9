import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerGetMetrics } from "./get-metrics.js";

export function registerMetricsRoutes(app: OpenAPIHono) {
  registerGetMetrics(app);
}
