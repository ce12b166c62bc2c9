import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { updateStrategy } from "../../../strategy/strategy-service.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_BODY_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { splitConfig, StrategyIdParamSchema, StrategySchema, UpdateStrategyBodySchema } from "./schemas.js";

const route = createRoute({
  method: "patch",
  path: "/v1/strategies/{id}",
  tags: ["strategies"],
  operationId: "updateStrategy",
  summary: "Update a strategy",
  description:
    "Rename, enable or disable, or change the allowed symbols or the trading configuration. A disabled strategy's alerts " +
    "are stored as rejected. The mode follows the stage: a different `mode` is refused with 409 (use POST /v1/strategies/{id}/stage).",
  security: bearerSecurity,
  middleware: [requireScope("write")] as const,
  request: {
    params: StrategyIdParamSchema,
    body: { required: true, content: { "application/json": { schema: UpdateStrategyBodySchema } } },
  },
  responses: {
    200: { description: "The updated strategy.", content: { "application/json": { schema: StrategySchema } } },
    ...errorResponses(...AUTHENTICATED_BODY_ERRORS, "NOT_FOUND", "CONFLICT", "ACCOUNT_UNKNOWN", "ACCOUNT_MODE_MISMATCH"),
  },
});

export function registerUpdateStrategy(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const strategy = await updateStrategy({
      ctx: c.get("services").strategies,
      input: (() => {
        const body = c.req.valid("json") as Record<string, unknown>;
        const { fields, config } = splitConfig(body);
        return { ...fields, ...(Object.keys(config).length ? { config } : {}), id: c.req.valid("param").id };
      })(),
    });
    return c.json(StrategySchema.parse(strategy), 200);
  });
}
