import { getConnInfo } from "@hono/node-server/conninfo";
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { resolveSourceAddress } from "../../../ingest/source-address.js";
import { receiveTradingViewAlert } from "../../../ingest/tradingview-intake.js";
import { errorResponses, publicSecurity } from "../../openapi.js";
import { SignalReceiptSchema } from "../signals/schemas.js";
import { receiptBody } from "../signals/views.js";

// Plain JSON Schema, not zod: the body is read raw whatever its type, so nothing may pre-validate it.
const anyBody = {
  "application/json": { schema: { type: "object" as const, description: "An alert message that is valid JSON (object or array)." } },
  "text/plain": { schema: { type: "string" as const, description: "Anything else: KEY=VALUE lines, commands, near-JSON, CSV." } },
  "application/x-www-form-urlencoded": { schema: { type: "object" as const } },
};

const route = createRoute({
  method: "post",
  path: "/webhooks/tradingview/{token}",
  tags: ["webhooks"],
  operationId: "receiveTradingViewAlert",
  summary: "Receive a TradingView alert",
  description:
    "Paste the strategy's webhook URL into the TradingView alert. The token in the path picks the strategy; " +
    "when the strategy has a passphrase, the body must carry it (passphrase, secret, key or token). Every " +
    "authenticated delivery is committed before the answer: 202 for new signals, 200 with `duplicate: true` " +
    "for a repeat, 400/422 for a delivery stored as rejected (the problem's `reason` and `signalId` say why). " +
    "An unknown token answers 404 like any unknown URL; a wrong passphrase 401. 503 means the alert could not be " +
    "committed (the database is down, or did not answer within LEDGER_TIMEOUT_MS): send it again; a first try that " +
    "did land makes the resend, within the dedupe window, a duplicate (200).",
  security: publicSecurity,
  request: {
    params: z.object({ token: z.string().min(1).max(256).openapi({ param: { name: "token", in: "path" } }) }),
    body: { content: anyBody },
  },
  responses: {
    202: { description: "Committed and queued.", content: { "application/json": { schema: SignalReceiptSchema } } },
    200: { description: "A duplicate of an earlier delivery.", content: { "application/json": { schema: SignalReceiptSchema } } },
    ...errorResponses(
      "MALFORMED_SIGNAL",
      "UNAUTHORIZED",
      "NOT_FOUND",
      "PAYLOAD_TOO_LARGE",
      "UNRENDERED_PLACEHOLDER",
      "SIGNAL_REJECTED",
      "RATE_LIMITED",
      "SERVICE_UNAVAILABLE",
    ),
  },
});

export function registerTradingViewWebhook(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const { intake } = c.get("services");
    const receipt = await receiveTradingViewAlert({
      ctx: intake,
      input: {
        token: c.req.valid("param").token,
        body: await c.req.text(),
        contentType: c.req.header("content-type"),
        sourceAddress: resolveSourceAddress(getConnInfo(c).remote.address, c.req.header("x-forwarded-for"), intake.trustedProxies),
      },
    });
    return receipt.duplicate ? c.json(receiptBody(receipt), 200) : c.json(receiptBody(receipt), 202);
  });
}
