/** TradingView-style alerts for the drills: numbered, unique, and sent by a few concurrent senders. */

export type Lane = { readonly ticker: string; readonly quantity: string; readonly price: string };

/**
 * About 100 USDT a trade on each of three paper perpetuals: far inside the default risk limits.
 * Perpetuals, because alerts alternate buy and sell and a sell while long reverses: on spot its
 * short half would be denied (SPOT_SELL_EXCEEDS_HOLDINGS), and the drills want both legs.
 */
export const LANES: readonly Lane[] = [
  { ticker: "BTCUSDT.P", quantity: "0.001", price: "100000" },
  { ticker: "ETHUSDT.P", quantity: "0.025", price: "4000" },
  { ticker: "SOLUSDT.P", quantity: "0.5", price: "200" },
];

export type AlertOutcome = {
  readonly n: number;
  readonly lane: string;
  readonly sentAt: number;
  readonly answeredAt: number;
  /** The HTTP status, when an answer came. */
  readonly status?: number;
  /** The problem code of a non-2xx answer. */
  readonly code?: string;
  /** The signal id of a 2xx answer. */
  readonly id?: string;
  /** Why no answer came: ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, TIMEOUT… */
  readonly error?: string;
};

export const acknowledged = (o: AlertOutcome) => o.status !== undefined && o.status >= 200 && o.status < 300;

/** Alert numbers are unique within a drill, so every body is new to the gateway's dedupe. */
export class AlertLog {
  private counter = 0;
  readonly outcomes: AlertOutcome[] = [];

  next(): number {
    return this.counter++;
  }

  get sent(): number {
    return this.counter;
  }

  record(outcome: AlertOutcome): AlertOutcome {
    this.outcomes.push(outcome);
    return outcome;
  }

  /** Alert number → the signal id a 2xx answer gave it. */
  acknowledged(): Map<number, string> {
    const acks = new Map<number, string>();
    for (const o of this.outcomes) if (acknowledged(o) && o.id) acks.set(o.n, o.id);
    return acks;
  }
}

export function alertBody(n: number, lane: Lane): string {
  return JSON.stringify({ ticker: lane.ticker, action: n % 2 ? "sell" : "buy", quantity: lane.quantity, price: lane.price, n });
}

/** The alert number a stored raw body carries. */
export function alertNumber(rawBody: string): number | undefined {
  try {
    const n = (JSON.parse(rawBody) as { n?: unknown }).n;
    return typeof n === "number" ? n : undefined;
  } catch {
    return undefined;
  }
}

export async function sendAlert(url: string, n: number, lane: Lane, timeoutMs = 20_000): Promise<AlertOutcome> {
  const sentAt = Date.now();
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: alertBody(n, lane),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json().catch(() => ({}))) as { id?: string; code?: string };
    const answer = res.ok ? { id: body.id } : { code: body.code ?? "NO_PROBLEM_BODY" };
    return { n, lane: lane.ticker, sentAt, answeredAt: Date.now(), status: res.status, ...answer };
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    const error = e.name === "TimeoutError" ? "TIMEOUT" : (e.cause?.code ?? e.name ?? "ERROR");
    return { n, lane: lane.ticker, sentAt, answeredAt: Date.now(), error };
  }
}

export type AlertStream = { stop(): Promise<void> };

/**
 * `senders` loops, each sending its next alert as soon as the last one is answered (so the load
 * follows the gateway's pace), round-robin over the lanes. A sender that gets no answer pauses
 * briefly, so a stopped gateway is not spun against.
 */
export function startAlertStream(options: { url: string; log: AlertLog; senders: number; lanes?: readonly Lane[] }): AlertStream {
  const lanes = options.lanes ?? LANES;
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const n = options.log.next();
      const outcome = options.log.record(await sendAlert(options.url, n, lanes[n % lanes.length] as Lane));
      if (outcome.error) await new Promise((r) => setTimeout(r, 25));
    }
  };
  const loops = Array.from({ length: options.senders }, loop);
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Sends each numbered alert again, up to five times half a second apart, until it is answered 2xx. */
export async function resendUntilAccepted(options: { url: string; log: AlertLog; numbers: readonly number[]; senders: number; lanes?: readonly Lane[] }): Promise<void> {
  const lanes = options.lanes ?? LANES;
  const queue = [...options.numbers];
  const resender = async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
      for (let attempt = 0; attempt < 5; attempt++) {
        if (acknowledged(options.log.record(await sendAlert(options.url, n, lanes[n % lanes.length] as Lane)))) break;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
  await Promise.all(Array.from({ length: options.senders }, resender));
}
