import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { checkReadiness } from "../../../health/readiness.js";
import { ApiError } from "../../errors.js";
import { errorResponses, publicSecurity } from "../../openapi.js";

const CheckStatus = z.enum(["ok", "failed"]);
export const ReadinessSchema = z
  .object({
    status: z.literal("ready"),
    checks: z.object({ database: CheckStatus, migrations: CheckStatus }),
  })
  .openapi("Readiness");

const route = createRoute({
  method: "get",
  path: "/readyz",
  tags: ["health"],
  operationId: "getReadiness",
  summary: "Readiness",
  description:
    "200 when the database answers and every migration is applied; otherwise 503 SERVICE_UNAVAILABLE " +
    "whose `checks` names the failing check.",
  security: publicSecurity,
  responses: {
    200: { description: "Ready to serve.", content: { "application/json": { schema: ReadinessSchema } } },
    ...errorResponses("PAYLOAD_TOO_LARGE", "SERVICE_UNAVAILABLE"),
  },
});

export function registerReadyz(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const { readiness } = c.get("services");
    const result = await checkReadiness({ ctx: readiness });
    if (!result.ready) {
      throw new ApiError("SERVICE_UNAVAILABLE", `not ready: ${result.failures.join("; ")}`, {
        extensions: { checks: result.checks },
      });
    }
    return c.json({ status: "ready" as const, checks: result.checks }, 200);
  });
}
