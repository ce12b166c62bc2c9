import { z } from "@hono/zod-openapi";
import { ERROR_CODES, ERROR_STATUS, type ErrorCode } from "./errors.js";

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "urn:signal-gateway:problem:validation-failed" }),
    title: z.string().openapi({ example: "Validation failed" }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().openapi({ example: "the request does not match the schema" }),
    code: z.enum(ERROR_CODES).openapi({ description: "Stable machine-readable error code." }),
    requestId: z.string().openapi({ description: "Also in the x-request-id response header." }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "Field errors, one per invalid field, with a dotted path." }),
  })
  .openapi("Problem", { description: "An RFC 9457 problem document." });

const DESCRIPTIONS: Record<ErrorCode, string> = {
  VALIDATION_FAILED: "The request is malformed or fails validation.",
  UNAUTHORIZED: "Missing or invalid API key.",
  FORBIDDEN: "The API key lacks the scope this operation needs.",
  NOT_FOUND: "No such resource.",
  CONFLICT: "The request conflicts with the resource's current state.",
  PAYLOAD_TOO_LARGE: "The request body exceeds the configured limit.",
  UNSUPPORTED_MEDIA_TYPE: "The request body is not of the operation's media type (application/json; text/csv for candle imports).",
  RATE_LIMITED: "Too many requests; retry after the Retry-After header.",
  SERVICE_UNAVAILABLE: "A dependency is unavailable; retry later.",
  INTERNAL: "An unexpected error; quote the request id when reporting it.",
  MALFORMED_SIGNAL: "The body could not be read as any known alert format; stored as rejected, with `reason`.",
  UNRENDERED_PLACEHOLDER: "The body still holds a TradingView placeholder such as {{ticker}}; stored as rejected.",
  SIGNAL_REJECTED: "The alert was read but cannot become a signal; stored as rejected, `reason` says why.",
  ACCOUNT_UNKNOWN: "The configuration's `accountId` names no account; create it with POST /v1/accounts first.",
  ACCOUNT_MODE_MISMATCH: "A `paper` strategy must trade on a paper account and a `live` one on a live (exchange) account.",
  UNKNOWN_MARKET: "A symbol has no market rules on the paper venue, which every backtest runs on; `errors` names it.",
  CANDLES_MISSING: "No candles are stored for a symbol in the range; import them with POST /v1/candles/import. `errors` names the symbol and range.",
  STAGE_TRANSITION_NOT_ALLOWED: "The strategy's lifecycle has no such move (retired is final); `allowed` lists where it may go.",
  PROMOTION_REFUSED: "A promotion threshold failed; `failedChecks` lists each failed check with its value and limit.",
  TOO_MANY_CANDIDATES: "The grid spans more combinations than `maxCandidates`; `errors` gives the count. Narrow a range, widen a step or search at random.",
  NO_VALID_CANDIDATES: "The strategy's params schema refuses every combination of the space; `errors` counts each reason.",
  SPLIT_EMPTY: "The in-sample or out-of-sample part of the range holds no candle; widen the range or move `split.inSampleFraction`.",
};

/** The error responses a route declares, keyed by status; codes sharing a status share an entry. */
export function errorResponses(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set<ErrorCode>([...codes, "INTERNAL"])) {
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, group]) => [
      status,
      {
        description: group.map((code) => (group.length > 1 ? `${code}: ${DESCRIPTIONS[code]}` : DESCRIPTIONS[code])).join(" "),
        content: { "application/problem+json": { schema: ProblemSchema } },
      },
    ]),
  );
}

/** Errors every authenticated JSON route can answer, before its own. */
export const AUTHENTICATED_ERRORS: ErrorCode[] = ["UNAUTHORIZED", "FORBIDDEN", "PAYLOAD_TOO_LARGE"];
export const AUTHENTICATED_BODY_ERRORS: ErrorCode[] = [
  ...AUTHENTICATED_ERRORS,
  "VALIDATION_FAILED",
  "UNSUPPORTED_MEDIA_TYPE",
];

export const BEARER_SCHEME = "bearerAuth";
export const bearerSecurity = [{ [BEARER_SCHEME]: [] }];
export const publicSecurity: Array<Record<string, string[]>> = [];

export const API_INFO = {
  title: "signal-gateway",
  version: "0.1.0",
  description:
    "Self-hosted, webhook-first trading signal gateway. REST calls authenticate with " +
    "`Authorization: Bearer <api key>`; errors are RFC 9457 problem documents with a stable `code`.",
};
