import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { cancelParameterSearch } from "../../../backtest/service/parameter-search-queries.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { ParameterSearchIdParamSchema, ParameterSearchSchema } from "./schemas.js";
import { parameterSearchView } from "./views.js";

const route = createRoute({
  method: "post",
  path: "/v1/parameter-searches/{id}/cancel",
  tags: ["parameter-searches"],
  operationId: "cancelParameterSearch",
  summary: "Cancel a parameter search",
  description:
    "Needs the `write` scope. A queued search is cancelled at once and never starts. A running one is asked to stop " +
    "(`cancelRequested`) and ends `cancelled` within moments, its result dropped even if it was about to finish. A " +
    "finished search is a 409.",
  security: bearerSecurity,
  middleware: [requireScope("write")] as const,
  request: { params: ParameterSearchIdParamSchema },
  responses: {
    202: { description: "Cancelled, or asked to stop.", content: { "application/json": { schema: ParameterSearchSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND", "CONFLICT"),
  },
});

export function registerCancelParameterSearch(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const row = await cancelParameterSearch({ ctx: c.get("services").backtests, input: c.req.valid("param") });
    return c.json(ParameterSearchSchema.parse(parameterSearchView(row)), 202);
  });
}
