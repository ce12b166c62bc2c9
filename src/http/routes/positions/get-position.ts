import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { getPosition } from "../../../trading/position-queries.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { idParamSchema } from "../orders/schemas.js";
import { PositionSchema } from "./schemas.js";
import { positionView } from "./views.js";

const route = createRoute({
  method: "get",
  path: "/v1/positions/{id}",
  tags: ["positions"],
  operationId: "getPosition",
  summary: "Read one position",
  description: "Open or closed; an open position is valued at the last price seen for its symbol.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { params: idParamSchema("pos_V1StGXR8Z5jdHi6B") },
  responses: {
    200: { description: "The position.", content: { "application/json": { schema: PositionSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND"),
  },
});

export function registerGetPosition(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const position = await getPosition({ ctx: c.get("services").trading, input: c.req.valid("param") });
    return c.json(PositionSchema.parse(positionView(position)), 200);
  });
}
