import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { listParameterSearches } from "../../../backtest/service/parameter-search-queries.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { jobListQuerySchema } from "../backtests/schemas.js";
import { NextCursorSchema } from "../orders/schemas.js";
import { ParameterSearchSummarySchema } from "./schemas.js";
import { parameterSearchSummaryView } from "./views.js";

const QuerySchema = jobListQuerySchema("Searches based on this strategy's configuration.");

const ParameterSearchPageSchema = z.object({ data: z.array(ParameterSearchSummarySchema), nextCursor: NextCursorSchema }).openapi("ParameterSearchPage");

const route = createRoute({
  method: "get",
  path: "/v1/parameter-searches",
  tags: ["parameter-searches"],
  operationId: "listParameterSearches",
  summary: "List parameter searches",
  description: "Every parameter search, newest first, with cursor pagination; without results (read one for its ranking).",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { query: QuerySchema },
  responses: {
    200: { description: "A page of parameter searches.", content: { "application/json": { schema: ParameterSearchPageSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED"),
  },
});

export function registerListParameterSearches(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const page = await listParameterSearches({ ctx: c.get("services").backtests, input: c.req.valid("query") });
    return c.json(ParameterSearchPageSchema.parse({ data: page.rows.map(parameterSearchSummaryView), nextCursor: page.nextCursor }), 200);
  });
}
