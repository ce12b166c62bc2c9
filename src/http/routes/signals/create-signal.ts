import { getConnInfo } from "@hono/node-server/conninfo";
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { hasScope } from "../../../auth/scopes.js";
import { receiveInternalSignal } from "../../../ingest/internal-intake.js";
import { resolveSourceAddress } from "../../../ingest/source-address.js";
import { ApiError } from "../../errors.js";
import { BEARER_SCHEME, errorResponses } from "../../openapi.js";
import { CanonicalSignalDoc, SignalReceiptSchema } from "./schemas.js";
import { receiptBody } from "./views.js";

export const STANDARD_WEBHOOK_SCHEME = "standardWebhook";

const InternalSignalBody = CanonicalSignalDoc.extend({
  strategy: z.string().openapi({ description: "The strategy's key or id.", example: "btc-trend" }),
}).openapi("InternalSignal");

/**
 * The intake reads its body as text, verifies a signature over it first, and stores what it holds
 * (the ledger replaces NUL characters), so request-wide body checks skip it.
 */
export function isSignalIntake(c: Context): boolean {
  return c.req.method === "POST" && c.req.path === "/v1/signals";
}

/** Signed requests skip the API-key middleware: this route verifies their signature itself. */
export function isSignedSignalRequest(c: Context): boolean {
  return isSignalIntake(c) && c.req.header("webhook-signature") !== undefined;
}

const route = createRoute({
  method: "post",
  path: "/v1/signals",
  tags: ["signals"],
  operationId: "createSignal",
  summary: "Send an internal signal",
  description:
    "The canonical signal as JSON plus `strategy`. Authenticate with Standard Webhooks headers (`webhook-id`, " +
    "`webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>` with a secret from " +
    "SIGNAL_WEBHOOK_SECRETS; timestamps more than 5 minutes off are refused) or with an API key with the `write` " +
    "scope. Deduplicated on `webhook-id`, `Idempotency-Key` or `alertId`. A retry with the same `webhook-id` and " +
    "a new timestamp is a duplicate (200); an exact replay of a signed request is refused (401). 503 means the " +
    "signal could not be committed (the database is down, or did not answer within LEDGER_TIMEOUT_MS): retry it " +
    "with a new signature timestamp and the same `webhook-id`, and a first try that did land is answered as its duplicate.",
  security: [{ [STANDARD_WEBHOOK_SCHEME]: [] }, { [BEARER_SCHEME]: [] }],
  request: { body: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/InternalSignal" } } } } },
  responses: {
    202: { description: "Committed and queued.", content: { "application/json": { schema: SignalReceiptSchema } } },
    200: { description: "A duplicate of an earlier delivery.", content: { "application/json": { schema: SignalReceiptSchema } } },
    ...errorResponses(
      "VALIDATION_FAILED",
      "MALFORMED_SIGNAL",
      "UNAUTHORIZED",
      "FORBIDDEN",
      "PAYLOAD_TOO_LARGE",
      "UNSUPPORTED_MEDIA_TYPE",
      "SIGNAL_REJECTED",
      "RATE_LIMITED",
      "SERVICE_UNAVAILABLE",
    ),
  },
});

export function registerCreateSignal(app: OpenAPIHono) {
  app.openAPIRegistry.register("InternalSignal", InternalSignalBody);
  app.openapi(route, async (c) => {
    const principal = c.get("principal");
    if (principal && !hasScope(principal, "write")) {
      throw new ApiError("FORBIDDEN", "this operation needs an API key with the 'write' scope");
    }
    const { intake } = c.get("services");
    const receipt = await receiveInternalSignal({
      ctx: intake,
      input: {
        body: await c.req.text(),
        contentType: c.req.header("content-type"),
        sourceAddress: resolveSourceAddress(getConnInfo(c).remote.address, c.req.header("x-forwarded-for"), intake.trustedProxies),
        apiKeyId: principal?.keyId,
        headers: {
          id: c.req.header("webhook-id"),
          timestamp: c.req.header("webhook-timestamp"),
          signature: c.req.header("webhook-signature"),
          idempotencyKey: c.req.header("idempotency-key"),
        },
      },
    });
    return receipt.duplicate ? c.json(receiptBody(receipt), 200) : c.json(receiptBody(receipt), 202);
  });
}
