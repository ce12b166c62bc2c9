import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerImportCandles } from "./import-candles.js";
import { registerListCandles } from "./list-candles.js";

export function registerCandleRoutes(app: OpenAPIHono) {
  registerListCandles(app);
  registerImportCandles(app);
}
