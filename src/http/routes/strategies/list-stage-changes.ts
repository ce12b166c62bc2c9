import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { listStageChanges } from "../../../strategy/lifecycle/list-stage-changes.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { StrategyIdParamSchema } from "./schemas.js";
import { StageChangePageSchema } from "./stage-schemas.js";

const QuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().regex(/^\d{1,15}$/).optional().openapi({ description: "`nextCursor` of the previous page." }),
});

const route = createRoute({
  method: "get",
  path: "/v1/strategies/{id}/stage-changes",
  tags: ["strategies"],
  operationId: "listStrategyStageChanges",
  summary: "List a strategy's stage changes",
  description: "The lifecycle audit, newest first: from, to, reason, whether forced, the checks as evaluated, who and when.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { params: StrategyIdParamSchema, query: QuerySchema },
  responses: {
    200: { description: "A page of stage changes.", content: { "application/json": { schema: StageChangePageSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND"),
  },
});

export function registerListStageChanges(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const page = await listStageChanges({
      ctx: c.get("services").strategies,
      input: { strategyId: c.req.valid("param").id, limit: query.limit, cursor: query.cursor },
    });
    return c.json(StageChangePageSchema.parse({ stage: page.stage, data: page.rows, nextCursor: page.nextCursor }), 200);
  });
}
