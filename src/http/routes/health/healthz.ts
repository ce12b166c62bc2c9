import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { errorResponses, publicSecurity } from "../../openapi.js";

export const HealthSchema = z.object({ status: z.literal("ok") }).openapi("Health");

const route = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["health"],
  operationId: "getHealth",
  summary: "Liveness",
  description: "200 while the process is alive. Touches no dependency.",
  security: publicSecurity,
  responses: {
    200: { description: "The process is alive.", content: { "application/json": { schema: HealthSchema } } },
    ...errorResponses("PAYLOAD_TOO_LARGE"),
  },
});

export function registerHealthz(app: OpenAPIHono) {
  app.openapi(route, (c) => c.json({ status: "ok" as const }, 200));
}
