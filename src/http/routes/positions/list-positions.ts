import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { POSITION_STATUSES } from "../../../domain/position.js";
import { listPositions } from "../../../trading/position-queries.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { NextCursorSchema, tradingListQueryShape } from "../orders/schemas.js";
import { PositionSchema } from "./schemas.js";
import { positionView } from "./views.js";

const QuerySchema = z.object({
  ...tradingListQueryShape,
  status: z.enum(POSITION_STATUSES).optional().openapi({ description: "open or closed; both when omitted." }),
});

const PositionPageSchema = z.object({ data: z.array(PositionSchema), nextCursor: NextCursorSchema }).openapi("PositionPage");

const route = createRoute({
  method: "get",
  path: "/v1/positions",
  tags: ["positions"],
  operationId: "listPositions",
  summary: "List positions",
  description:
    "Open and closed positions, most recently opened first, with cursor pagination. Open positions are valued at the " +
    "last price seen for their symbol.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { query: QuerySchema },
  responses: {
    200: { description: "A page of positions.", content: { "application/json": { schema: PositionPageSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED"),
  },
});

export function registerListPositions(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const page = await listPositions({ ctx: c.get("services").trading, input: c.req.valid("query") });
    return c.json(PositionPageSchema.parse({ data: page.rows.map(positionView), nextCursor: page.nextCursor }), 200);
  });
}
