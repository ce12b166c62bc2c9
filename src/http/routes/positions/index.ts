import type { OpenAPIHono } from "@hono/zod-openapi";
import { registerClosePosition } from "./close-position.js";
import { registerGetPosition } from "./get-position.js";
import { registerListPositions } from "./list-positions.js";

export function registerPositionRoutes(app: OpenAPIHono) {
  registerListPositions(app);
  registerGetPosition(app);
  registerClosePosition(app);
}
