import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { listStrategies } from "../../../strategy/strategy-service.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { StrategySchema } from "./schemas.js";

const StrategyListSchema = z.object({ data: z.array(StrategySchema) }).openapi("StrategyList");

const route = createRoute({
  method: "get",
  path: "/v1/strategies",
  tags: ["strategies"],
  operationId: "listStrategies",
  summary: "List strategies",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  responses: {
    200: { description: "All strategies, by key.", content: { "application/json": { schema: StrategyListSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS),
  },
});

export function registerListStrategies(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const data = await listStrategies({ ctx: c.get("services").strategies });
    return c.json(StrategyListSchema.parse({ data }), 200);
  });
}
