import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { CandleRow } from "../../../db/schema/candles.js";
import { listCandles } from "../../../market-data/candle-queries.js";
import { instantMillis, instantText } from "../../instant-schema.js";
import { requireScope } from "../../middleware/authenticate.js";
import { AUTHENTICATED_ERRORS, bearerSecurity, errorResponses } from "../../openapi.js";
import { CandleSchema, SymbolQuery, TimeframeQuery } from "./schemas.js";

const instant = (description: string) =>
  instantText()
    .optional()
    .openapi({ description: `${description} Milliseconds since the epoch or an ISO 8601 date-time; inclusive.`, example: "2025-04-30T00:00:00Z" });

const toMillis = (v: string | undefined) => (v === undefined ? undefined : instantMillis(v));

const QuerySchema = z.object({
  symbol: SymbolQuery,
  timeframe: TimeframeQuery,
  from: instant("Earliest open time."),
  to: instant("Latest open time."),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

const CandlePageSchema = z
  .object({
    data: z.array(CandleSchema),
    nextFrom: z.number().int().nullable().openapi({
      description: "Pass as `from` (with the same `to`) for the next page; null when this page reached the end.",
    }),
  })
  .openapi("CandlePage");

const route = createRoute({
  method: "get",
  path: "/v1/candles",
  tags: ["candles"],
  operationId: "listCandles",
  summary: "List stored candles",
  description: "Stored candles of one symbol and timeframe, oldest first. Prices and volume are exact decimals, as strings.",
  security: bearerSecurity,
  middleware: [requireScope("read")] as const,
  request: { query: QuerySchema },
  responses: {
    200: { description: "A page of candles.", content: { "application/json": { schema: CandlePageSchema } } },
    ...errorResponses(...AUTHENTICATED_ERRORS, "VALIDATION_FAILED"),
  },
});

const candleView = (row: CandleRow) => ({
  openTime: row.openTime.toISOString(),
  timestamp: row.openTime.getTime(),
  open: row.open,
  high: row.high,
  low: row.low,
  close: row.close,
  volume: row.volume,
});

export function registerListCandles(app: OpenAPIHono) {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const input = { ...query, from: toMillis(query.from), to: toMillis(query.to) };
    const page = await listCandles({ ctx: c.get("services").marketData, input });
    return c.json(CandlePageSchema.parse({ data: page.rows.map(candleView), nextFrom: page.nextFrom }), 200);
  });
}
