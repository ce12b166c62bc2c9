import type { Context, MiddlewareHandler } from "hono";
import { authenticateApiKey } from "../../auth/api-keys.js";
import { hasScope, type Scope } from "../../auth/scopes.js";
import { ApiError } from "../errors.js";

// The scheme is case-insensitive (RFC 9110 §11.1): "bearer <key>" from a hand-written client is the same credential.
const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/i;

/**
 * Requires `Authorization: Bearer <key>` and puts the key's principal on the context. `skip` names
 * requests that carry their own authentication (signed internal signals), which the route verifies.
 */
export function authenticate(options: { skip?: (c: Context) => boolean } = {}): MiddlewareHandler {
  return async (c, next) => {
    if (options.skip?.(c)) return next();
    const header = c.req.header("authorization");
    if (!header) throw new ApiError("UNAUTHORIZED", "missing Authorization: Bearer <api key> header");
    const match = BEARER.exec(header);
    if (!match?.[1]) throw new ApiError("UNAUTHORIZED", "the Authorization header must be 'Bearer <api key>'");
    const { auth } = c.get("services");
    const principal = await authenticateApiKey(auth, match[1]);
    if (!principal) throw new ApiError("UNAUTHORIZED", "invalid or revoked API key");
    c.set("principal", principal);
    await next();
  };
}

/** Default scopes: reads need `read`, anything else `write`. Routes can ask for more. */
export function requireScope(scope?: Scope): MiddlewareHandler {
  return async (c, next) => {
    const needed: Scope = scope ?? (c.req.method === "GET" || c.req.method === "HEAD" ? "read" : "write");
    const principal = c.get("principal");
    if (!principal || !hasScope(principal, needed)) {
      throw new ApiError("FORBIDDEN", `this operation needs an API key with the '${needed}' scope`);
    }
    await next();
  };
}
