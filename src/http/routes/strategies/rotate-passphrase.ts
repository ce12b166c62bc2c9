import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { rotatePassphrase } from "../../../strategy/strategy-service.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { RotatedPassphraseSchema, StrategyIdParamSchema } from "./schemas.js";

const rotate = createRoute({
  method: "post",
  path: "/v1/strategies/{id}/passphrase/rotate",
  tags: ["strategies"],
  operationId: "rotateStrategyPassphrase",
  summary: "Set a new passphrase",
  description: "Generates a passphrase (turning the requirement on if it was off); the old one stops working at once.",
  security: bearerSecurity,
  middleware: [requireScope("write")] as const,
  request: { params: StrategyIdParamSchema },
  responses: {
    200: { description: "The new passphrase, shown once.", content: { "application/json": { schema: RotatedPassphraseSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND"),
  },
});

const remove = createRoute({
  method: "delete",
  path: "/v1/strategies/{id}/passphrase",
  tags: ["strategies"],
  operationId: "removeStrategyPassphrase",
  summary: "Stop requiring a passphrase",
  description: "Alerts are then authenticated by the webhook URL's token alone.",
  security: bearerSecurity,
  middleware: [requireScope("write")] as const,
  request: { params: StrategyIdParamSchema },
  responses: {
    200: { description: "The strategy, without a passphrase.", content: { "application/json": { schema: RotatedPassphraseSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND"),
  },
});

export function registerPassphraseRoutes(app: OpenAPIHono) {
  app.openapi(rotate, async (c) => {
    const ctx = c.get("services").strategies;
    const rotated = await rotatePassphrase({ ctx, input: { id: c.req.valid("param").id, remove: false } });
    return c.json(RotatedPassphraseSchema.parse(rotated), 200);
  });
  app.openapi(remove, async (c) => {
    const ctx = c.get("services").strategies;
    const rotated = await rotatePassphrase({ ctx, input: { id: c.req.valid("param").id, remove: true } });
    return c.json(RotatedPassphraseSchema.parse(rotated), 200);
  });
}
