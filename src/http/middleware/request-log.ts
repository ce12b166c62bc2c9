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
    const status = c.res.status;
    const level = status >= 500 ? "error" : "info";
    // Silenced (as in a benchmark, or LOG_LEVEL=warn): skip building a line nobody will see.
    if (!options.logger.isLevelEnabled(level)) return;
    const route = routePath(c);
    const line = {
      requestId: c.get("requestId"),
      method: c.req.method,
      route: route === "/*" || route === "*" ? null : route,
      path: sanitizePath(c.req.path),
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    };
    options.logger[level](line, "request");
  };
}
