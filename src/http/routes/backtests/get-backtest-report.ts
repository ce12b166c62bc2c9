import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { backtestReport } from "../../../backtest/service/backtest-report.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { BacktestIdParamSchema } from "./schemas.js";

/** The page is self-contained (inline CSS, inline SVG, no script): anything else it tried to load is refused. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const route = createRoute({
  method: "get",
  path: "/v1/backtests/{id}/report",
  tags: ["backtests"],
  operationId: "getBacktestReport",
  summary: "Read a backtest's HTML report",
  description:
    "A self-contained HTML page: summary, metrics, equity and drawdown charts, and the trades. Served with a " +
    "Content-Security-Policy that allows only its inline styles and data: images. 409 until the backtest has succeeded.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { params: BacktestIdParamSchema },
  responses: {
    200: {
      description: "The report.",
      headers: z.object({ "Content-Security-Policy": z.string().openapi({ example: REPORT_CSP }) }),
      content: { "text/html": { schema: z.string() } },
    },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND", "CONFLICT"),
  },
});

export function registerGetBacktestReport(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const page = await backtestReport({ ctx: c.get("services").backtests, input: c.req.valid("param") });
    return c.html(page, 200, { "Content-Security-Policy": REPORT_CSP });
  });
}
