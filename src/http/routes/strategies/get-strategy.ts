import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { getStrategy } from "../../../strategy/strategy-service.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { StrategyIdParamSchema, StrategySchema } from "./schemas.js";

const route = createRoute({
  method: "get",
  path: "/v1/strategies/{id}",
  tags: ["strategies"],
  operationId: "getStrategy",
  summary: "Read a strategy",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { params: StrategyIdParamSchema },
  responses: {
    200: { description: "The strategy.", content: { "application/json": { schema: StrategySchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND"),
  },
});

export function registerGetStrategy(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const strategy = await getStrategy({ ctx: c.get("services").strategies, input: c.req.valid("param") });
    return c.json(StrategySchema.parse(strategy), 200);
  });
}
