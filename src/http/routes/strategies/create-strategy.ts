import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { createStrategy } from "../../../strategy/strategy-service.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_BODY_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { CreatedStrategySchema, CreateStrategyBodySchema, splitConfig } from "./schemas.js";

const route = createRoute({
  method: "post",
  path: "/v1/strategies",
  tags: ["strategies"],
  operationId: "createStrategy",
  summary: "Create a strategy",
  description:
    "Returns the strategy's TradingView webhook URL (a 256-bit token) and, when asked, a passphrase. " +
    "Both are shown only here and stored as digests; rotate them to get new ones.",
  security: bearerSecurity,
  middleware: [requireScope("write")] as const,
  request: { body: { required: true, content: { "application/json": { schema: CreateStrategyBodySchema } } } },
  responses: {
    201: { description: "Created.", content: { "application/json": { schema: CreatedStrategySchema } } },
    ...errorResponses(...AUTHENTICATED_BODY_ERRORS, "CONFLICT", "ACCOUNT_UNKNOWN", "ACCOUNT_MODE_MISMATCH"),
  },
});

export function registerCreateStrategy(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    // The configuration fields are typed loosely by the shared shape; the service validates them whole.
    const body = c.req.valid("json") as { key: string; name: string; enabled: boolean; allowedSymbols: string[]; passphrase: boolean };
    const { config } = splitConfig(body as Record<string, unknown>);
    const input = { key: body.key, name: body.name, enabled: body.enabled, allowedSymbols: body.allowedSymbols, passphrase: body.passphrase, config };
    const created = await createStrategy({ ctx: c.get("services").strategies, input });
    return c.json(CreatedStrategySchema.parse(created), 201);
  });
}
