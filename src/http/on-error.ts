import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import type { Logger } from "../lib/logger.js";
import { sanitizePath } from "./middleware/request-log.js";
import { ApiError, codeForStatus, problemBody, type FieldError, type ErrorCode } from "./errors.js";

const PROBLEM_JSON = "application/problem+json";

function problemResponse(
  c: Context,
  code: ErrorCode,
  detail: string,
  extra: { errors?: FieldError[]; extensions?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Response {
  const body = problemBody(code, detail, c.get("requestId") ?? "", extra);
  // Through the context, so headers set earlier in the chain (x-request-id, security headers) apply.
  return c.body(JSON.stringify(body), body.status as ContentfulStatusCode, {
    ...extra.headers,
    "content-type": PROBLEM_JSON,
  });
}

export function fieldErrors(error: ZodError, prefix?: string): FieldError[] {
  const join = (path: PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join(".");
  return error.issues.flatMap((issue) =>
    // An unknown field is reported at its own path, so a client sees which one to drop.
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: join([...issue.path, key]), message: "unknown field" }))
      : [{ path: join(issue.path), message: issue.message }],
  );
}

/** Validation failures from route schemas: 400 with every field error at once. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target?: string },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const errors = fieldErrors(result.error, result.target === "json" ? undefined : result.target);
  return problemResponse(c, "VALIDATION_FAILED", "the request does not match the schema", { errors });
}

/**
 * The one place errors become responses. Known errors keep their code; anything else is a 500 that
 * carries only the request id, while its cause (which may embed SQL or stack frames) goes to the log.
 */
export function onError(logger: Logger): ErrorHandler {
  return (err, c) => {
    if (err instanceof ApiError) {
      return problemResponse(c, err.code, err.detail, {
        ...(err.errors ? { errors: err.errors } : {}),
        extensions: err.extensions,
        headers: err.headers,
      });
    }
    if (err instanceof HTTPException && err.status < 500) {
      // hono's own exceptions (for example malformed JSON bodies) carry a safe message.
      return problemResponse(c, codeForStatus(err.status), err.message || "bad request");
    }
    logger.error({ err, requestId: c.get("requestId") }, "unhandled error");
    return problemResponse(c, "INTERNAL", `an unexpected error occurred; quote request id ${c.get("requestId")}`);
  };
}

export const notFound: NotFoundHandler = (c) =>
  problemResponse(c, "NOT_FOUND", `no route for ${c.req.method} ${sanitizePath(c.req.path)}`);
