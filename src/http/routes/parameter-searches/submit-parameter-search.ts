import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { ParameterSearchRequest } from "../../../backtest/service/parameter-search-spec.js";
import { submitParameterSearch } from "../../../backtest/service/submit-parameter-search.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_BODY_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { ParameterSearchSchema, SubmitParameterSearchBodySchema } from "./schemas.js";
import { parameterSearchView } from "./views.js";

const route = createRoute({
  method: "post",
  path: "/v1/parameter-searches",
  tags: ["parameter-searches"],
  operationId: "submitParameterSearch",
  summary: "Submit a parameter search",
  description:
    "Needs the `write` scope. Queues a search over a built-in strategy's params: every candidate of `space` (a grid, or " +
    "seeded random draws) is backtested on the in-sample part of the range and ranked by fitness; the best `topN` run " +
    "again on the out-of-sample part. The backtest fields mean what they mean for POST /v1/backtests. It runs off the " +
    "request path, in a worker thread, like a backtest; poll `Location`. Every field error is reported at once (400: the " +
    "space against the strategy, and candidates × candles over RESEARCH_MAX_CANDLE_RUNS, among them); then an unknown " +
    "`strategyId` (404), a grid over `maxCandidates` (422 TOO_MANY_CANDIDATES), a space the strategy refuses entirely " +
    "(422 NO_VALID_CANDIDATES), UNKNOWN_MARKET and CANDLES_MISSING as for a backtest, and a split with an empty side (422 SPLIT_EMPTY).",
  security: bearerSecurity,
  middleware: [requireScope("write")] as const,
  request: { body: { required: true, content: { "application/json": { schema: SubmitParameterSearchBodySchema } } } },
  responses: {
    202: {
      description: "Queued.",
      headers: z.object({
        Location: z.string().openapi({ description: "The search: /v1/parameter-searches/{id}.", example: "/v1/parameter-searches/ps_V1StGXR8Z5jdHi6B" }),
      }),
      content: { "application/json": { schema: ParameterSearchSchema } },
    },
    ...errorResponses(...AUTHENTICATED_BODY_ERRORS, "NOT_FOUND", "TOO_MANY_CANDIDATES", "NO_VALID_CANDIDATES", "UNKNOWN_MARKET", "CANDLES_MISSING", "SPLIT_EMPTY"),
  },
});

export function registerSubmitParameterSearch(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const input = c.req.valid("json") as ParameterSearchRequest;
    const row = await submitParameterSearch({ ctx: c.get("services").backtests, input });
    return c.json(ParameterSearchSchema.parse(parameterSearchView(row)), 202, { Location: `/v1/parameter-searches/${row.id}` });
  });
}
