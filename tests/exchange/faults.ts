/**
 * Which requests a fault applies to; every field optional, e.g. `{ method: "POST", path: "/api/v3/order" }`;
 * `params` must all be among the request's (query and form), e.g. `{ type: "STOP_LOSS_LIMIT" }`.
 */
export type FaultMatch = Readonly<{ method?: string; path?: string; params?: Readonly<Record<string, string>> }>;

export type FaultKind =
  | { kind: "latency"; ms: number }
  /** The request is processed (an order is created), then the response is held `holdMs` (default: until close). */
  | { kind: "acceptThenTimeout"; holdMs?: number }
  | { kind: "status"; status: number; retryAfterSeconds?: number; body?: string }
  | { kind: "binanceError"; status: number; code: number; msg: string };

export type Fault = FaultKind & { match?: FaultMatch; times: number };

type FaultOptions = { times?: number; match?: FaultMatch };

const ORDER_POST: FaultMatch = { method: "POST", path: "/api/v3/order" };

/** Binance's answer to a request past the REQUEST_WEIGHT limit, injected or earned (see weights.ts). */
export const RATE_LIMITED_BODY = JSON.stringify({ code: -1003, msg: "Too many requests; current limit of IP is 6000 requests per minute." });

/** Faults queued for the next matching requests; each fires `times` times (default once) and is then dropped. */
export class FaultInjector {
  private readonly queue: Fault[] = [];

  inject(fault: FaultKind, options: FaultOptions = {}): void {
    this.queue.push({ ...fault, match: options.match, times: options.times ?? 1 });
  }

  latency(ms: number, options?: FaultOptions): void {
    this.inject({ kind: "latency", ms }, options);
  }

  /** Defaults to the next POST /api/v3/order. */
  acceptThenTimeout(options: FaultOptions & { holdMs?: number } = {}): void {
    const { holdMs, ...rest } = options;
    this.inject(holdMs === undefined ? { kind: "acceptThenTimeout" } : { kind: "acceptThenTimeout", holdMs }, {
      match: ORDER_POST,
      ...rest,
    });
  }

  rateLimited(retryAfterSeconds: number, options?: FaultOptions): void {
    this.inject({ kind: "status", status: 429, retryAfterSeconds, body: RATE_LIMITED_BODY }, options);
  }

  ipBanned(retryAfterSeconds: number, options?: FaultOptions): void {
    this.inject(
      {
        kind: "status",
        status: 418,
        retryAfterSeconds,
        body: JSON.stringify({ code: -1003, msg: "Way too many requests; IP banned until further notice." }),
      },
      options,
    );
  }

  /** A gateway-style 5xx with a non-JSON body, as Binance's edge returns it. */
  serverError(status: 500 | 502 | 503 | 504, options?: FaultOptions): void {
    this.inject({ kind: "status", status, body: status === 503 ? "Service Unavailable." : "Internal Server Error" }, options);
  }

  timestampOutsideRecvWindow(options?: FaultOptions): void {
    this.inject(
      { kind: "binanceError", status: 400, code: -1021, msg: "Timestamp for this request is outside of the recvWindow." },
      options,
    );
  }

  clear(): void {
    this.queue.length = 0;
  }

  pending(): readonly Fault[] {
    return this.queue;
  }

  /** Takes every queued fault matching this request (at most one of each kind), counting one use of each. */
  take(method: string, path: string, params: URLSearchParams = new URLSearchParams()): FaultKind[] {
    const taken: FaultKind[] = [];
    const seen = new Set<string>();
    for (const fault of [...this.queue]) {
      if (seen.has(fault.kind)) continue;
      if (fault.match?.method !== undefined && fault.match.method !== method) continue;
      if (fault.match?.path !== undefined && fault.match.path !== path) continue;
      if (Object.entries(fault.match?.params ?? {}).some(([k, v]) => params.get(k) !== v)) continue;
      seen.add(fault.kind);
      taken.push(fault);
      fault.times -= 1;
      if (fault.times <= 0) this.queue.splice(this.queue.indexOf(fault), 1);
    }
    return taken;
  }
}
