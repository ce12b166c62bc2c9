import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { HttpMetrics } from "./port.js";

/** The label of requests no endpoint matched: one series, whatever paths are probed. */
export const UNMATCHED_ROUTE = "unmatched";

/**
 * The endpoint's pattern (`/webhooks/tradingview/:token`), even when a middleware answered first
 * (a 401 from authentication): the last matched route that is not a middleware. Never the raw
 * path, which would carry webhook tokens and ids and make a series per request.
 */
export function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i];
    if (route && route.method !== "ALL") return route.path;
  }
  return UNMATCHED_ROUTE;
}

/** Observes every request's duration by method, route pattern and status, errors included. */
export function requestMetrics(options: { metrics: HttpMetrics }): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    options.metrics.httpRequest({ method: c.req.method, route: routeLabel(c), status: c.res.status, seconds: (performance.now() - started) / 1000 });
  };
}
