import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { getParameterSearch } from "../../../backtest/service/parameter-search-queries.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { ParameterSearchIdParamSchema, ParameterSearchSchema } from "./schemas.js";
import { parameterSearchView } from "./views.js";

const route = createRoute({
  method: "get",
  path: "/v1/parameter-searches/{id}",
  tags: ["parameter-searches"],
  operationId: "getParameterSearch",
  summary: "Read a parameter search",
  description:
    "Its status and progress (phase, done, total; written about once a second while it runs) and, once it has succeeded, " +
    "its result: every candidate ranked with its params, in- and out-of-sample metrics and fitness, the overfit hint, " +
    "the counts, the split and the ranking hash.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { params: ParameterSearchIdParamSchema },
  responses: {
    200: { description: "The parameter search.", content: { "application/json": { schema: ParameterSearchSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND"),
  },
});

export function registerGetParameterSearch(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const row = await getParameterSearch({ ctx: c.get("services").backtests, input: c.req.valid("param") });
    return c.json(ParameterSearchSchema.parse(parameterSearchView(row)), 200);
  });
}
