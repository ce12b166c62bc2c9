import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { closePosition } from "../../../trading/close-position.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { idParamSchema } from "../orders/schemas.js";
import { decisionView, orderDetailView } from "../orders/views.js";
import { PositionCloseSchema } from "./schemas.js";
import { positionView } from "./views.js";

const route = createRoute({
  method: "post",
  path: "/v1/positions/{id}/close",
  tags: ["positions"],
  operationId: "closePosition",
  summary: "Close a position",
  description:
    "Needs the `write` scope. Sends a reduce-only market order for the whole position through the risk engine, " +
    "priced at the last price known for the symbol, with its decision stored like any order's. Allowed while " +
    "REDUCING; while HALTED the risk engine denies it (TRADING_HALTED), answered as data with `order: null`. Once the " +
    "position is flat its stop-loss and take-profit orders are cancelled. Two closes of an unchanged position place " +
    "one order. A closed position is a 409.",
  security: bearerSecurity,
  middleware: [requireScope("write")] as const,
  request: { params: idParamSchema("pos_V1StGXR8Z5jdHi6B") },
  responses: {
    200: { description: "The decision, the closing order (null when denied) and the position after it.", content: { "application/json": { schema: PositionCloseSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND", "CONFLICT"),
  },
});

export function registerClosePosition(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const result = await closePosition({ ctx: c.get("services").trading, input: c.req.valid("param") });
    const body = {
      decision: decisionView(result.decision),
      order: result.order ? orderDetailView(result.order) : null,
      position: positionView(result.position),
    };
    return c.json(PositionCloseSchema.parse(body), 200);
  });
}
