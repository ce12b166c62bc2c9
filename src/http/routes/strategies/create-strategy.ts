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
    "Both are shown only here and stored as digests; rotate them to get new ones. `stage: \"candidate\"` creates a " +
    "strategy that records alerts without trading until it is promoted with POST /v1/strategies/{id}/stage.",
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
    const body = c.req.valid("json") as {
      key: string;
      name: string;
      enabled: boolean;
      allowedSymbols: string[];
      passphrase: boolean;
      stage?: "candidate" | "paper";
    };
    const { config } = splitConfig(body as Record<string, unknown>);
    const { key, name, enabled, allowedSymbols, passphrase, stage } = body;
    const input = { key, name, enabled, allowedSymbols, passphrase, config, stage, actor: c.get("principal").keyId };
    const created = await createStrategy({ ctx: c.get("services").strategies, input });
    return c.json(CreatedStrategySchema.parse(created), 201);
  });
}
