import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { changeStage } from "../../../strategy/lifecycle/change-stage.js";
import { promotionThresholds } from "../../../strategy/lifecycle/thresholds.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_BODY_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { StrategyIdParamSchema } from "./schemas.js";
import { ChangeStageBodySchema, StageChangeProblemSchema, StageChangeResultSchema } from "./stage-schemas.js";

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: StageChangeProblemSchema } } });

const route = createRoute({
  method: "post",
  path: "/v1/strategies/{id}/stage",
  tags: ["strategies"],
  operationId: "changeStrategyStage",
  summary: "Promote, demote or retire a strategy",
  description:
    "candidate → paper → live; live → paper; any stage → retired, which is final. The mode follows the stage (candidate " +
    "and retired: disabled). candidate → paper needs the strategy's latest succeeded backtest to meet " +
    "PROMOTION_MIN_PROFIT_FACTOR and PROMOTION_MIN_TRADES; paper → live needs that and, since the strategy entered paper, " +
    "PROMOTION_MIN_PAPER_DAYS days and its closed paper trades meeting the same two thresholds. Going live needs an " +
    "exchange account (`accountId`). Every change is audited (GET /v1/strategies/{id}/stage-changes).",
  security: bearerSecurity,
  middleware: [requireScope("write")] as const,
  request: {
    params: StrategyIdParamSchema,
    body: { required: true, content: { "application/json": { schema: ChangeStageBodySchema } } },
  },
  responses: {
    200: { description: "The strategy in its new stage, and the audited change with its checks.", content: { "application/json": { schema: StageChangeResultSchema } } },
    ...errorResponses(...AUTHENTICATED_BODY_ERRORS, "NOT_FOUND"),
    409: problem("STAGE_TRANSITION_NOT_ALLOWED: the lifecycle does not allow this move (retired is final); `allowed` lists where the strategy may go."),
    422: problem(
      "PROMOTION_REFUSED: a threshold failed; `failedChecks` lists each with its value and limit. " +
        "ACCOUNT_UNKNOWN: `accountId` names no account. ACCOUNT_MODE_MISMATCH: live needs an exchange account, paper a paper one.",
    ),
  },
});

export function registerChangeStrategyStage(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const body = c.req.valid("json");
    const result = await changeStage({
      ctx: { ...services.strategies, thresholds: promotionThresholds(services.config) },
      input: {
        strategyId: c.req.valid("param").id,
        to: body.to,
        reason: body.reason,
        force: body.force,
        accountId: body.accountId,
        actor: c.get("principal"),
      },
    });
    return c.json(StageChangeResultSchema.parse(result), 200);
  });
}
