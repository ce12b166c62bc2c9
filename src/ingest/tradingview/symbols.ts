/**
 * TradingView and bridge tickers → ccxt unified symbols (BTC/USDT spot, BTC/USDT:USDT linear
 * perpetual). Anything we cannot split with confidence is undefined: a refused alert is better than
 * an order on the wrong market.
 */

/** Most quote-like first: decides the order of Poloniex-style QUOTE_BASE pairs. */
const QUOTE_RANK = [
  "USDT", "USDC", "FDUSD", "BUSD", "TUSD", "USDP", "USDE", "DAI", "USD", "EUR", "GBP", "JPY", "AUD", "CAD", "CHF",
  "TRY", "BRL", "RUB", "UAH", "ARS", "MXN", "ZAR", "NGN", "IDR", "PLN", "KRW", "INR", "BTC", "ETH", "BNB",
] as const;

/** Longest first, so FDUSD wins over USD and USDT over USD. */
const QUOTES_BY_LENGTH = [...QUOTE_RANK].sort((a, b) => b.length - a.length);

/** ISO 4217 codes seen in forex and metals pairs (EURSEK, XAUUSD), split 3/3. */
const ISO_CURRENCIES = new Set([
  "USD", "EUR", "GBP", "JPY", "AUD", "CAD", "CHF", "NZD", "SEK", "NOK", "DKK", "PLN", "TRY", "ZAR", "MXN", "SGD",
  "HKD", "CNH", "CNY", "CZK", "HUF", "ILS", "INR", "KRW", "BRL", "RUB", "THB", "XAU", "XAG",
]);

/** Quotes whose perpetuals are inverse (settled in the base coin) on the venues that list them. */
const INVERSE_QUOTES = new Set(["USD"]);

const CODE = /^[A-Z0-9]{1,20}$/;
const HAS_LETTER = /[A-Z]/;
const EXCHANGE_PREFIX = /^([A-Z0-9_]{2,30}):(.+)$/;
const UNIFIED = /^([A-Z0-9]+)\/([A-Z0-9]+)(?::([A-Z0-9]+))?$/;

type Pair = { base: string; quote: string; settle?: string };

export function normalizeSymbol(raw: string): string | undefined {
  if (typeof raw !== "string") return undefined;
  let s = raw.trim().toUpperCase();
  if (s === "" || s.length > 64) return undefined;
  if (!s.includes("/")) {
    const prefixed = EXCHANGE_PREFIX.exec(s);
    if (prefixed) s = prefixed[2]!;
  }
  const pair = s.includes("/") ? unified(s) : ticker(s);
  if (!pair || !isCode(pair.base) || !isCode(pair.quote) || (pair.settle !== undefined && !isCode(pair.settle))) return undefined;
  return `${pair.base}/${pair.quote}${pair.settle === undefined ? "" : `:${pair.settle}`}`;
}

/** "BINANCE:BTCUSDT" → "BINANCE"; undefined when there is no exchange prefix. */
export function exchangePrefix(raw: string): string | undefined {
  const s = raw.trim();
  if (s.includes("/")) return undefined;
  return EXCHANGE_PREFIX.exec(s.toUpperCase()) ? s.slice(0, s.indexOf(":")) : undefined;
}

function unified(s: string): Pair | undefined {
  const m = UNIFIED.exec(s);
  if (!m) return undefined;
  return m[3] === undefined ? { base: m[1]!, quote: m[2]! } : { base: m[1]!, quote: m[2]!, settle: m[3] };
}

function ticker(s: string): Pair | undefined {
  if (s.endsWith(".P")) {
    // TradingView's perpetual suffix: BTCUSDT.P is linear (settled in USDT); BTCUSD.P is inverse.
    const pair = splitPlain(s.slice(0, -2));
    return pair && perpetual(pair.base, pair.quote);
  }
  const parts = s.split(/[-_]/);
  if (parts.length === 1) {
    if (s.endsWith("PERP") && s.length > 4) {
      const body = s.slice(0, -4);
      const pair = splitConcatenated(body);
      return pair ? perpetual(pair.base, pair.quote) : { base: body, quote: "USD", settle: "USD" };
    }
    return splitConcatenated(s);
  }
  const [a = "", b = "", c] = parts;
  if (parts.length === 2) {
    if (b === "PERP") return { base: a, quote: "USD", settle: "USD" }; // FTX: BTC-PERP, USD-settled
    if (b === "PERPETUAL") return { base: a, quote: "USD", settle: a }; // Deribit: inverse
    const underscore = s.includes("_");
    return underscore && rank(a) < rank(b) ? { base: b, quote: a } : { base: a, quote: b };
  }
  if (parts.length === 3 && (c === "SWAP" || c === "PERP")) return perpetual(a, b); // OKX BTC-USDT-SWAP
  return undefined;
}

function perpetual(base: string, quote: string): Pair {
  return { base, quote, settle: INVERSE_QUOTES.has(quote) ? base : quote };
}

function splitPlain(s: string): Pair | undefined {
  const parts = s.split(/[-_]/);
  if (parts.length === 2) return { base: parts[0]!, quote: parts[1]! };
  return parts.length === 1 ? splitConcatenated(s) : undefined;
}

/** BTCUSDT → BTC/USDT by the longest known quote suffix; a concatenated base needs 2+ characters. */
function splitConcatenated(s: string): Pair | undefined {
  if (s.length === 6 && ISO_CURRENCIES.has(s.slice(0, 3)) && ISO_CURRENCIES.has(s.slice(3))) {
    return { base: s.slice(0, 3), quote: s.slice(3) };
  }
  for (const quote of QUOTES_BY_LENGTH) {
    if (!s.endsWith(quote)) continue;
    const base = s.slice(0, -quote.length);
    if (base.length >= 2 && isCode(base)) return { base, quote };
  }
  return undefined;
}

function isCode(code: string): boolean {
  return CODE.test(code) && HAS_LETTER.test(code);
}

function rank(code: string): number {
  const i = (QUOTE_RANK as readonly string[]).indexOf(code);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}
