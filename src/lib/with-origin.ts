/**
 * Every URL string in a nested map (ccxt's `urls.api`) with its origin replaced by `base`'s: how an
 * exchange client is pointed at a proxy, a regional endpoint or a test exchange.
 */
export function withOrigin(api: unknown, base: string): unknown {
  const origin = base.replace(/\/+$/, "");
  const swap = (value: unknown): unknown => {
    if (typeof value === "string") return value.replace(/^https?:\/\/[^/]+/, origin);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, swap(v)]));
    return value;
  };
  return swap(api);
}
