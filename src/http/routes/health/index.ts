import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerHealthz } from "./healthz.js";
import { registerReadyz } from "./readyz.js";

export function registerHealthRoutes(app: OpenAPIHono) {
  registerHealthz(app);
  registerReadyz(app);
}
