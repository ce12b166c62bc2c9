/**
 * The metrics port: what the core reports, as plain calls with bounded values. The Prometheus
 * implementation (prometheus-metrics.ts) and the no-op one (no-metrics.ts) sit side by side, and the
 * core is handed one through its context, never a global registry (as with the clock and ids).
 */

export type SignalSourceLabel = "tradingview" | "internal";
export type SignalOutcome = "accepted" | "duplicate" | "rejected";
export type VenueKind = "paper" | "live";

/** Intake: one call per delivery, after its answer is decided. */
export type IntakeMetrics = {
  /** `reason` only for rejected deliveries: the stored reason, or the problem code of a refusal before storing. */
  signalReceived(source: SignalSourceLabel, outcome: SignalOutcome, reason?: string): void;
};

/** Risk and execution: decisions, orders placed (with the status placement left them in), fills booked. */
export type TradingMetrics = {
  riskDecision(outcome: string, reason: string | null): void;
  orderPlaced(venue: VenueKind, status: string): void;
  filled(venue: VenueKind, count: number): void;
};

export type HttpMetrics = {
  /** `route` is the matched pattern (`/v1/orders/:id`), never the raw path. */
  httpRequest(request: { method: string; route: string; status: number; seconds: number }): void;
};

/** One exchange request: sandbox or real-money account, and the adapter's phase. */
export type VenueCall = { accountKind: "sandbox" | "live"; operation: "submit" | "read" };

/**
 * The hook the ccxt adapter calls around each exchange request: `start` when it is sent; the
 * returned function when it ends, with the failure's reason code (VENUE_TIMEOUT, …) if it failed.
 * The observer measures the time itself, so the adapter reads no clock for it.
 */
export type VenueCallObserver = {
  start(call: VenueCall): (errorClass?: string) => void;
};

/**
 * Public market data (MARKET_DATA_EXCHANGE): per pass of the paper price feed, symbols marked, left
 * as they were (a newer mark stood) and without a price; per pass of the candle fetcher, candles
 * stored and series whose fetch failed.
 */
export type MarketDataMetrics = {
  pricePass(pass: { marked: number; unchanged: number; missing: number }): void;
  candlePass(pass: { stored: number; failed: number }): void;
};

/** Everything the gateway reports, and its rendering for GET /metrics. */
export type Metrics = {
  readonly intake: IntakeMetrics;
  readonly trading: TradingMetrics;
  readonly marketData: MarketDataMetrics;
  readonly http: HttpMetrics;
  readonly venueCalls: VenueCallObserver;
  /** The exposition text, with the gauges read from the database at this moment. */
  render(): Promise<{ contentType: string; body: string }>;
};
