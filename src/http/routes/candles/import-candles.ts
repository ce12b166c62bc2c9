import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { CsvFormatError } from "../../../market-data/csv-parser.js";
import { importCandles } from "../../../market-data/import-candles.js";
import { ApiError } from "../../errors.js";
import { requireScope } from "../../middleware/authenticate.js";
import { limitBody } from "../../middleware/body-limit.js";
import { AUTHENTICATED_BODY_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { CandleImportReportSchema, SymbolQuery, TimeframeQuery } from "./schemas.js";

export const CANDLE_IMPORT_PATH = "/v1/candles/import";

/** The app-wide JSON and body-size middleware leave this route alone; it brings its own. */
export const isCandleImport = (c: Context) => c.req.method === "POST" && c.req.path === CANDLE_IMPORT_PATH;

const CSV_TYPE = /^text\/(csv|plain)\s*(;|$)/i;

const requireCsvBody: MiddlewareHandler = async (c, next) => {
  if (!CSV_TYPE.test(c.req.header("content-type") ?? "")) {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "send the candles as text/csv");
  }
  await next();
};

// A year of 1m candles is about 30 MB: CANDLE_IMPORT_BODY_LIMIT_BYTES, not BODY_LIMIT_BYTES, bounds this body.
const importBodyLimit: MiddlewareHandler = (c, next) => limitBody(c.get("services").config.CANDLE_IMPORT_BODY_LIMIT_BYTES)(c, next);

const QuerySchema = z.object({ symbol: SymbolQuery, timeframe: TimeframeQuery });

const route = createRoute({
  method: "post",
  path: CANDLE_IMPORT_PATH,
  tags: ["candles"],
  operationId: "importCandles",
  summary: "Import candles from CSV",
  description:
    "Streams `timestamp,open,high,low,close,volume` lines (timestamp: open time in ms since the epoch, UTC; the header " +
    "line is optional) into the candle store, 1000 rows per statement. Invalid rows, OHLC inconsistencies and duplicates " +
    "are skipped and reported, never stored. Re-importing a file imports nothing new. The body limit is " +
    "CANDLE_IMPORT_BODY_LIMIT_BYTES (64 MiB by default), not BODY_LIMIT_BYTES.",
  security: bearerSecurity,
  middleware: [requireScope("write"), requireCsvBody, importBodyLimit] as const,
  request: {
    query: QuerySchema,
    body: {
      required: true,
      content: {
        "text/csv": {
          schema: z.string().openapi({ example: "timestamp,open,high,low,close,volume\n1745971200000,94256.82,94631.23,94136.48,94546.79,519.07237\n" }),
        },
      },
    },
  },
  responses: {
    200: { description: "The import's data quality report.", content: { "application/json": { schema: CandleImportReportSchema } } },
    ...errorResponses(...AUTHENTICATED_BODY_ERRORS),
  },
});

export function registerImportCandles(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const { symbol, timeframe } = c.req.valid("query");
    const body = c.req.raw.body;
    if (!body) throw new ApiError("VALIDATION_FAILED", "send the CSV as the request body");
    try {
      const report = await importCandles({ ctx: c.get("services").marketData, input: { symbol, timeframe, source: body } });
      return c.json(CandleImportReportSchema.parse(report), 200);
    } catch (err) {
      if (err instanceof CsvFormatError) throw new ApiError("VALIDATION_FAILED", err.message, { errors: [{ path: "body", message: err.message }] });
      throw err;
    }
  });
}
