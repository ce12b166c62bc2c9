import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors.js";

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/** REST writes take JSON only; anything else is a 415 rather than a confusing validation error. */
export function requireJsonBody(): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    const hasBody =
      Number(c.req.header("content-length") ?? 0) > 0 || c.req.header("transfer-encoding") !== undefined;
    if ((method === "POST" || method === "PUT" || method === "PATCH") && hasBody) {
      const type = c.req.header("content-type") ?? "";
      if (!JSON_TYPE.test(type)) {
        throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "send the request body as application/json");
      }
    }
    await next();
  };
}
