import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { listSignals } from "../../../ingest/signal-queries.js";
import { SIGNAL_STATUSES } from "../../../ingest/ledger.js";
import { isoInstant } from "../../instant-schema.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { SignalSchema } from "./schemas.js";
import { signalView } from "./views.js";

const QuerySchema = z.object({
  strategy: z.string().max(100).optional().openapi({ description: "A strategy id or key." }),
  status: z.enum(SIGNAL_STATUSES).optional(),
  since: isoInstant().optional().openapi({ description: "Received at or after (ISO 8601)." }),
  until: isoInstant().optional().openapi({ description: "Received at or before (ISO 8601)." }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(100).optional().openapi({ description: "`nextCursor` of the previous page." }),
});

const SignalPageSchema = z
  .object({
    data: z.array(SignalSchema),
    nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next (older) page; null at the end." }),
  })
  .openapi("SignalPage");

const route = createRoute({
  method: "get",
  path: "/v1/signals",
  tags: ["signals"],
  operationId: "listSignals",
  summary: "List the signal ledger",
  description: "Newest first, with cursor pagination. Rejected deliveries are listed too, with their reason.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { query: QuerySchema },
  responses: {
    200: { description: "A page of signals.", content: { "application/json": { schema: SignalPageSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED"),
  },
});

export function registerListSignals(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const page = await listSignals({ ctx: c.get("services").intake, input: c.req.valid("query") });
    return c.json(SignalPageSchema.parse({ data: page.rows.map(signalView), nextCursor: page.nextCursor }), 200);
  });
}
