import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../errors.js";

/** Rejects bodies over `maxBytes`, by Content-Length up front or while streaming a chunked body. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const tooLarge = () => new ApiError("PAYLOAD_TOO_LARGE", `the request body exceeds ${maxBytes} bytes`);
  const streaming = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge();
    },
  });
  return (c, next) => {
    // Only the header is read for sized bodies. Touching `c.req.raw.body` (as hono's bodyLimit
    // does) makes the node adapter build a full Fetch Request, which costs on every request; the
    // adapter's own reader then enforces the length it was given.
    const length = c.req.header("content-length");
    const chunked = c.req.header("transfer-encoding") !== undefined;
    if (chunked) return streaming(c, next);
    if (length === undefined) return next();
    if (!/^\d+$/.test(length) || Number(length) > maxBytes) throw tooLarge();
    return next();
  };
}
