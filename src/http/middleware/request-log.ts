import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Logger } from "../../lib/logger.js";

// Path segments that look like opaque credentials (webhook tokens in mistyped URLs, keys pasted
// into paths) are masked: the request line must never carry a secret.
const OPAQUE_SEGMENT = /^[A-Za-z0-9_\-.~%]{20,}$/;

export function sanitizePath(path: string): string {
  return path
    .split("/")
    .map((segment) => (OPAQUE_SEGMENT.test(segment) ? "[redacted]" : segment))
    .join("/");
}

/** One line per request: method, route pattern, status, duration and request id. Never headers or bodies. */
export function requestLog(options: { logger: Logger }): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const route = routePath(c);
    const status = c.res.status;
    const line = {
      requestId: c.get("requestId"),
      method: c.req.method,
      route: route === "/*" || route === "*" ? null : route,
      path: sanitizePath(c.req.path),
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    };
    if (status >= 500) options.logger.error(line, "request");
    else options.logger.info(line, "request");
  };
}
