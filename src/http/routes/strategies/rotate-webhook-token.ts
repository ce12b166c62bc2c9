import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { rotateWebhookToken } from "../../../strategy/strategy-service.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { RotatedWebhookSchema, StrategyIdParamSchema } from "./schemas.js";

const route = createRoute({
  method: "post",
  path: "/v1/strategies/{id}/webhook-token/rotate",
  tags: ["strategies"],
  operationId: "rotateStrategyWebhookToken",
  summary: "Rotate the webhook URL",
  description: "Issues a new webhook URL; the old one answers 404 from now on. Update your TradingView alerts.",
  security: bearerSecurity,
  middleware: [requireScope("write")] as const,
  request: { params: StrategyIdParamSchema },
  responses: {
    200: { description: "The new webhook URL, shown once.", content: { "application/json": { schema: RotatedWebhookSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND"),
  },
});

export function registerRotateWebhookToken(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const rotated = await rotateWebhookToken({ ctx: c.get("services").strategies, input: c.req.valid("param") });
    return c.json(RotatedWebhookSchema.parse(rotated), 200);
  });
}
