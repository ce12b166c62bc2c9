import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerCreateSignal } from "./create-signal.js";
import { registerGetSignal } from "./get-signal.js";
import { registerListSignals } from "./list-signals.js";

export function registerSignalRoutes(app: OpenAPIHono) {
  registerCreateSignal(app);
  registerListSignals(app);
  registerGetSignal(app);
}
