import type { OpenAPIHono } from "@hono/zod-openapi";
import { API_INFO, BEARER_SCHEME } from "./openapi.js";

export const DOCUMENT_TAGS = [
  { name: "health", description: "Liveness and readiness, unauthenticated." },
  { name: "docs", description: "This document and its interactive reference, unauthenticated." },
  { name: "api-keys", description: "REST API keys and their scopes (admin)." },
  { name: "strategies", description: "Strategies: what signals belong to; each has its TradingView webhook URL." },
  { name: "webhooks", description: "TradingView alerts, authenticated by the URL's token (and passphrase)." },
  { name: "signals", description: "The signal ledger: internal signals in, every delivery and its fate out." },
  { name: "trading-state", description: "The kill switch: ACTIVE, REDUCING or HALTED, globally and per strategy." },
  { name: "orders", description: "Orders in every state, with their fills." },
  { name: "positions", description: "Open and closed positions, valued at the last prices." },
  { name: "accounts", description: "Balances, equity, PnL and venue health." },
  { name: "candles", description: "OHLCV candles for backtests: CSV import with a data quality report, and reads." },
  { name: "backtests", description: "Backtest jobs on the live code path: submit, follow, cancel; trades, equity, report, Monte Carlo." },
  { name: "parameter-searches", description: "Grid or random searches over a built-in strategy's parameters, scored out of sample." },
  { name: "notifications", description: "Slack, Discord, Telegram and signed webhook sinks: their health, a test send, and every delivery." },
];

/** Declares what the routes reference but do not define: the bearer scheme. Call once per app. */
export function registerDocumentComponents(app: OpenAPIHono) {
  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "An API key: `Authorization: Bearer <key>`.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "standardWebhook", {
    type: "apiKey",
    in: "header",
    name: "webhook-signature",
    description:
      "Standard Webhooks: `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 " +
      "HMAC-SHA256 of \"<id>.<timestamp>.<body>\">`, keyed with a secret from SIGNAL_WEBHOOK_SECRETS.",
  });
}

export function buildOpenApiDocument(app: OpenAPIHono) {
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: API_INFO,
    servers: [{ url: "/", description: "The gateway serving this document." }],
    tags: DOCUMENT_TAGS,
  });
}
