import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { getSignal } from "../../../ingest/signal-queries.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { SignalWithTraceSchema } from "./schemas.js";
import { signalView, traceView } from "./views.js";

const route = createRoute({
  method: "get",
  path: "/v1/signals/{id}",
  tags: ["signals"],
  operationId: "getSignal",
  summary: "Read one signal",
  description:
    "Everything stored about the signal, secrets excluded: the body as received, how it was read, its status and " +
    "result, and its trace: intent → risk decisions (with reason codes and the limit that fired) → orders → fills → " +
    "the resulting position. One call answers \"why did my alert not trade?\".",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: {
    params: z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "sig_V1StGXR8Z5jdHi6B" }) }),
  },
  responses: {
    200: { description: "The signal and its trace.", content: { "application/json": { schema: SignalWithTraceSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED", "NOT_FOUND"),
  },
});

export function registerGetSignal(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const { row, trace } = await getSignal({ ctx: c.get("services").intake, input: c.req.valid("param") });
    return c.json(SignalWithTraceSchema.parse({ ...signalView(row), trace: traceView(trace) }), 200);
  });
}
