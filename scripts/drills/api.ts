/** The little of the REST API the drills use, with the admin key they start the gateway with. */

export type LedgerRow = {
  id: string;
  status: string;
  symbol: string | null;
  rawBody: string;
  attempts: number;
  receivedAt: string;
  processedAt: string | null;
};

export type OrderRow = { id: string; clientOrderId: string; signalId: string | null; leg: number; role: string; status: string };

export type DrillApi = {
  createStrategy(key: string, overrides?: Record<string, unknown>): Promise<{ id: string; webhookPath: string }>;
  /** Every row of a listing, oldest first (the API pages newest first by sequence). */
  ledger(strategy: string): Promise<LedgerRow[]>;
  orders(strategy: string): Promise<OrderRow[]>;
};

/**
 * A drill's strategy trades every alert: the per-minute order cap and the daily loss limit are
 * off, so a denial never stands in for the order the drill counts.
 */
export const DRILL_STRATEGY_LIMITS = { riskLimits: { maxOrdersPerMinute: null, maxDailyLossPercent: null } };

export function drillApi(baseUrl: () => string, apiKey: string): DrillApi {
  const auth = { authorization: `Bearer ${apiKey}` };
  const all = async <T>(path: string, strategy: string): Promise<T[]> => {
    const rows: T[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `strategy=${encodeURIComponent(strategy)}&limit=500${cursor ? `&cursor=${cursor}` : ""}`;
      const res = await fetch(`${baseUrl()}${path}?${query}`, { headers: auth, signal: AbortSignal.timeout(30_000) });
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
      const page = (await res.json()) as { data: T[]; nextCursor: string | null };
      rows.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    return rows.reverse();
  };
  return {
    createStrategy: async (key, overrides = {}) => {
      const res = await fetch(`${baseUrl()}/v1/strategies`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ key, name: `${key} drill`, ...DRILL_STRATEGY_LIMITS, ...overrides }),
      });
      if (res.status !== 201) throw new Error(`creating the drill's strategy answered ${res.status}: ${await res.text()}`);
      const created = (await res.json()) as { strategy: { id: string }; webhookUrl: string };
      return { id: created.strategy.id, webhookPath: new URL(created.webhookUrl).pathname };
    },
    ledger: (strategy) => all<LedgerRow>("/v1/signals", strategy),
    orders: (strategy) => all<OrderRow>("/v1/orders", strategy),
  };
}

/** Polls the ledger until nothing is queued or processing, or `ms` pass; returns the last read. */
export async function waitForProcessing(api: DrillApi, strategy: string, ms: number): Promise<LedgerRow[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const rows = await api.ledger(strategy);
    if (rows.every((r) => r.status !== "queued" && r.status !== "processing") || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 250));
  }
}
