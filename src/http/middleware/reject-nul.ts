import type { HonoRequest, MiddlewareHandler } from "hono";
import { ApiError } from "../errors.js";

// The media types hono's validator parses as JSON: the body is read only when a route would read it.
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const NUL = "\u0000";

/**
 * PostgreSQL text cannot hold U+0000: a NUL that reaches SQL fails the query and became a 500 (or a
 * 503 on signal intake, telling senders to retry forever). Refuses it in the path, a query value or
 * anything a JSON body parses to, with a 400 that names where it was.
 */
export function rejectNul(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.path.includes(NUL)) throw nulFound("path");
    if (c.req.url.includes("?")) {
      for (const [name, values] of Object.entries(c.req.queries())) {
        if (name.includes(NUL) || values.some((v) => v.includes(NUL))) throw nulFound(`query.${printable(name)}`);
      }
    }
    const where = await nulInJsonBody(c.req);
    if (where !== undefined) throw nulFound(where);
    await next();
  };
}

async function nulInJsonBody(req: HonoRequest): Promise<string | undefined> {
  const hasBody = Number(req.header("content-length") ?? 0) > 0 || req.header("transfer-encoding") !== undefined;
  const mediaType = (req.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
  if (req.method === "GET" || req.method === "HEAD" || !hasBody || !JSON_MEDIA_TYPE.test(mediaType)) return undefined;
  // Read through hono's body cache, so the route's validator reuses the text. JSON text cannot hold
  // a raw NUL, only its escape: without one there is nothing to walk.
  if (!(await req.text()).includes("\\u0000")) return undefined;
  let parsed: unknown;
  try {
    parsed = await req.json();
  } catch {
    // Malformed JSON is the validator's to answer, with the same 400 as any other malformed body.
    return undefined;
  }
  return nulPath(parsed);
}

type Node = { value: unknown; key: string; parent: Node | undefined };

/** The dotted path of a string or key holding a NUL, if any; iterative, so deep nesting cannot overflow the stack. */
export function nulPath(root: unknown): string | undefined {
  const stack: Node[] = [{ value: root, key: "", parent: undefined }];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const { value } = node;
    if (typeof value === "string") {
      if (value.includes(NUL)) return pathOf(node);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push({ value: item, key: String(index), parent: node }));
    } else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        const child = { value: item, key, parent: node };
        if (key.includes(NUL)) return pathOf(child);
        stack.push(child);
      }
    }
  }
  return undefined;
}

// Field paths are unprefixed, as the validator reports body fields; a bare string body is "body".
function pathOf(node: Node): string {
  const keys: string[] = [];
  for (let n: Node | undefined = node; n?.parent; n = n.parent) keys.unshift(printable(n.key));
  return keys.length === 0 ? "body" : keys.join(".");
}

const printable = (text: string) => text.replaceAll(NUL, "\\u0000");

/** The 400 for a NUL at `path`: also what an intake that reads its body itself answers. */
export const nulFound = (path: string) =>
  new ApiError("VALIDATION_FAILED", "the request holds a NUL character (U+0000), which no field accepts", {
    errors: [{ path, message: "must not contain the NUL character (U+0000)" }],
  });
