import type { Context, MiddlewareHandler } from "hono";
import { randomUUID } from "node:crypto";
import { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import type { Services } from "./container.js";
import { buildOpenApiDocument, registerDocumentComponents } from "./http/document.js";
import { createDashboard, DASHBOARD_PATH } from "./http/dashboard/index.js";
import { authenticate } from "./http/middleware/authenticate.js";
import { limitBody } from "./http/middleware/body-limit.js";
import { requireJsonBody } from "./http/middleware/json-body.js";
import { rejectNul } from "./http/middleware/reject-nul.js";
import { requestLog } from "./http/middleware/request-log.js";
import { securityHeaders } from "./http/middleware/security-headers.js";
import { notFound, onError, validationHook } from "./http/on-error.js";
import { registerAccountRoutes } from "./http/routes/accounts/index.js";
import { registerApiKeyRoutes } from "./http/routes/api-keys/index.js";
import { registerBacktestRoutes } from "./http/routes/backtests/index.js";
import { isCandleImport } from "./http/routes/candles/import-candles.js";
import { registerCandleRoutes } from "./http/routes/candles/index.js";
import { registerDocsRoutes } from "./http/routes/docs/index.js";
import { registerHealthRoutes } from "./http/routes/health/index.js";
import { registerMetricsRoutes } from "./http/routes/metrics/index.js";
import { registerNotificationRoutes } from "./http/routes/notifications/index.js";
import { registerOrderRoutes } from "./http/routes/orders/index.js";
import { registerParameterSearchRoutes } from "./http/routes/parameter-searches/index.js";
import { registerPositionRoutes } from "./http/routes/positions/index.js";
import { isSignalIntake, isSignedSignalRequest } from "./http/routes/signals/create-signal.js";
import { registerSignalRoutes } from "./http/routes/signals/index.js";
import { registerStrategyRoutes } from "./http/routes/strategies/index.js";
import { registerTradingStateRoutes } from "./http/routes/trading-state/index.js";
import { registerTradingViewWebhook } from "./http/routes/webhooks/tradingview-webhook.js";
import "./http/context.js";
import { requestMetrics } from "./metrics/request-metrics.js";

function newApp(): OpenAPIHono {
  return new OpenAPIHono({ defaultHook: validationHook });
}

/** Mounts every route. Shared by createApp and by the document writer, so the two cannot drift. */
function registerRoutes(app: OpenAPIHono) {
  registerDocumentComponents(app);
  let document: Record<string, unknown> | undefined;
  registerHealthRoutes(app);
  registerMetricsRoutes(app);
  registerDocsRoutes(app, () => (document ??= buildOpenApiDocument(app) as unknown as Record<string, unknown>));
  registerApiKeyRoutes(app);
  registerStrategyRoutes(app);
  registerTradingViewWebhook(app);
  registerSignalRoutes(app);
  registerTradingStateRoutes(app);
  registerOrderRoutes(app);
  registerPositionRoutes(app);
  registerAccountRoutes(app);
  registerCandleRoutes(app);
  registerBacktestRoutes(app);
  registerParameterSearchRoutes(app);
  registerNotificationRoutes(app);
}

/** Builds the HTTP application over already-built services. Never listens. */
export function createApp(services: Services): OpenAPIHono {
  const app = newApp();
  // A client's id is kept when it is at most 128 of [A-Za-z0-9_=-]; anything else is replaced.
  app.use(
    requestId({
      headerName: "x-request-id",
      limitLength: 128,
      // randomUUID draws from a cached entropy pool: a fresh randomBytes call per request costs more.
      generator: () => `req_${randomUUID().replaceAll("-", "")}`,
    }),
  );
  app.use(async (c, next) => {
    c.set("services", services);
    await next();
  });
  app.use(requestLog({ logger: services.logger }));
  app.use(requestMetrics({ metrics: services.metrics.http }));
  app.use(securityHeaders());
  // A candle import is a CSV of megabytes: its route checks the media type and its own, larger limit.
  app.use(unless(isCandleImport, limitBody(services.config.BODY_LIMIT_BYTES)));
  // After authentication, so a stranger learns nothing from a 400 a key holder would get.
  app.use(
    "/v1/*",
    unless(isCandleImport, requireJsonBody()),
    authenticate({ skip: isSignedSignalRequest }),
    unless(isSignalIntake, rejectNul()),
  );
  registerRoutes(app);
  // HTML for people, behind a session cookie: mounted here, not in registerRoutes, so it stays out of the document.
  app.route(DASHBOARD_PATH, createDashboard());
  app.onError(onError(services.logger));
  app.notFound(notFound);
  return app;
}

/**
 * `middleware`, except where `skip` holds. hono/combine's `except` does the same through a generic
 * try/catch wrapper that costs more than the body limit itself on every webhook.
 */
function unless(skip: (c: Context) => boolean, middleware: MiddlewareHandler): MiddlewareHandler {
  return (c, next) => (skip(c) ? next() : middleware(c, next));
}

/** The OpenAPI document of the routes, without any service: used by `npm run openapi`. */
export function describeApi() {
  const app = newApp();
  registerRoutes(app);
  return buildOpenApiDocument(app);
}
