/**
 * An exchange's request budget as ccxt prices it (each call's cost, `rateLimit` ms per unit of cost),
 * as a token bucket that credits idle time. ccxt's own leaky bucket credits only the time a call
 * spends waiting in it, so every call after the first waited its cost × rateLimit (about 10 ms for an
 * order on Binance) even after a minute of silence; its rolling window never serves a call that costs
 * more than the window holds. Here the long-run rate is ccxt's, up to `burstMs` of it is served at
 * once after a quiet spell, and a call of any cost goes as soon as the bucket is not in debt (the
 * calls after it then wait for the debt), so nothing waits forever. Calls are served in order.
 */
export type RequestBucket = (cost?: number) => Promise<void>;

export function createRequestBucket(options: {
  msPerUnit: number;
  burstMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}): RequestBucket {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  if (!(options.msPerUnit > 0)) return async () => {};
  const capacity = options.burstMs / options.msPerUnit;
  let tokens = capacity;
  let last = now();
  let tail: Promise<void> = Promise.resolve();

  const refill = () => {
    const t = now();
    tokens = Math.min(capacity, tokens + (t - last) / options.msPerUnit);
    last = t;
  };
  const take = async (cost: number) => {
    for (;;) {
      refill();
      if (tokens >= 0) {
        tokens -= cost;
        return;
      }
      await sleep(Math.ceil(-tokens * options.msPerUnit));
    }
  };
  return (cost = 1) => {
    const turn = tail.then(() => take(cost));
    tail = turn.catch(() => undefined);
    return turn;
  };
}
