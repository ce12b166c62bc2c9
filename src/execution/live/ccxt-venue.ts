import type { Exchange } from "ccxt";
import { dec, plain } from "../../domain/decimal.js";
import { fitQuantity, isValidPrice, type MarketRules } from "../../domain/market.js";
import type { Clock } from "../../lib/clock.js";
import { toVenueBalances, toVenueOrder, toVenueTrade } from "./ccxt-convert.js";
import { marketRulesMap, numberText } from "./ccxt-markets.js";
import { CircuitBreaker, DEFAULT_BREAKER, type BreakerConfig } from "./circuit-breaker.js";
import { DEFAULT_RETRY, realSleep, withRetry, type Random, type RetryConfig, type Sleep } from "./retry.js";
import { nativeProtectionSupport, NO_NATIVE_PROTECTION, stopLimitPrice, type ProtectionRole, type ProtectionSupport } from "./stop-limit.js";
import { submitWithRecovery, unavailableFrom } from "./submit-order.js";
import type { ProtectionOrderInput, SubmitOrderInput, SubmitResult, VenueBalance, VenueOrder, VenueRead, VenueReadError, VenueTrade } from "./types.js";
import { classifyVenueError, type VenueFailure } from "./venue-errors.js";
import type { VenueCallObserver } from "../../metrics/port.js";

export type VenueLogger = { warn(obj: Record<string, unknown>, msg: string): void };

/** A native stop-limit's limit price lies this far past its trigger (basis points) unless configured. */
export const DEFAULT_STOP_LIMIT_OFFSET_BPS = "50";

export type CcxtVenueOptions = {
  /** Constructed by the caller (credentials, sandbox/testnet URLs, options); never built here. */
  exchange: Exchange;
  accountId: string;
  clock: Clock;
  sleep?: Sleep;
  random?: Random;
  logger?: VenueLogger;
  retry?: Partial<RetryConfig>;
  /** Config for a breaker of this venue's own, or a breaker shared by every venue of the account. */
  breaker?: Partial<BreakerConfig> | CircuitBreaker;
  /**
   * After an ambiguous submit, how long since sending before a "not found" lookup is trusted: a
   * delayed request can still land until the venue's receive window (Binance recvWindow, default
   * 10 s in ccxt) has passed, after which the venue refuses it.
   */
  ambiguousSettleMs?: number;
  /** How far past its trigger a native stop-limit's limit price lies, in basis points (slippage allowance). */
  stopLimitOffsetBps?: string;
  /** Times each call to the exchange and counts its failures (metrics); it reads the clock itself. */
  venueCalls?: VenueCallObserver | undefined;
};

export type CcxtVenue = ReturnType<typeof createCcxtVenue>;

export type VenueDeps = {
  exchange: Exchange;
  clock: Clock;
  sleep: Sleep;
  random: Random;
  retry: RetryConfig;
  breaker: CircuitBreaker;
  settleMs: number;
  /** Client order ids this instance has sent: a repeat is looked up before it is sent again. */
  sent: Set<string>;
  read<T>(fn: () => Promise<T>, options?: { force?: boolean }): Promise<VenueRead<T>>;
  attempt<T>(fn: () => Promise<T>, phase: "submit" | "read"): Promise<{ ok: true; value: T } | { ok: false; failure: VenueFailure }>;
  lookup(symbol: string, clientOrderId: string, force: boolean): Promise<VenueRead<VenueOrder | undefined>>;
};

const CIRCUIT_OPEN: VenueReadError = { kind: "unavailable", reason: "CIRCUIT_OPEN", detail: "circuit open" };

export function createCcxtVenue(options: CcxtVenueOptions) {
  const ex = options.exchange;
  const clock = options.clock;
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const breaker =
    options.breaker instanceof CircuitBreaker ? options.breaker : new CircuitBreaker({ ...DEFAULT_BREAKER, ...options.breaker }, clock);
  const secrets = () => [ex.apiKey, ex.secret, ex.password, ex.uid, ex.privateKey].map((s) => (typeof s === "string" ? s : undefined));
  let markets: Promise<VenueRead<Map<string, MarketRules>>> | undefined;
  // Protection types the exchange has refused (-1116 Invalid orderType, or ccxt's NotSupported):
  // engine-managed from then on, for as long as this process runs.
  const refused = new Set<ProtectionRole>();

  const record = (failure: VenueFailure) => {
    if (failure.kind === "auth") breaker.onAuthFailure();
    else if (failure.kind === "rejected") breaker.onSuccess();
    else breaker.onTransientFailure();
  };

  const attempt: VenueDeps["attempt"] = async (fn, phase) => {
    const observed = options.venueCalls?.start({ accountKind: ex.isSandboxModeEnabled ? "sandbox" : "live", operation: phase });
    try {
      const value = await fn();
      observed?.();
      breaker.onSuccess();
      return { ok: true, value };
    } catch (error) {
      const failure = classifyVenueError(error, {
        phase,
        headers: ex.last_response_headers,
        secrets: secrets(),
        nowMs: clock.now().getTime(),
      });
      observed?.(failure.reason);
      record(failure);
      options.logger?.warn({ accountId: options.accountId, venue: ex.id, failure }, "venue request failed");
      return { ok: false, failure };
    }
  };

  /** A read with retries on transient failures; `force` lets a post-ambiguity lookup past an open circuit. */
  async function read<T>(fn: () => Promise<T>, opts: { force?: boolean } = {}): Promise<VenueRead<T>> {
    const result = await withRetry<T, VenueReadError>(
      { config: retry, sleep: options.sleep ?? realSleep, random: options.random ?? Math.random, beforeRetry: () => opts.force === true || !breaker.isOpen() },
      async () => {
        if (!opts.force && !breaker.tryAcquire()) return { done: false, failure: CIRCUIT_OPEN, retryable: false };
        const r = await attempt(fn, "read");
        if (r.ok) return { done: true, value: r.value };
        const failure = r.failure as VenueReadError;
        const retryAfterMs = failure.kind === "transient" ? failure.retryAfterMs : undefined;
        return { done: false, failure, retryable: failure.kind === "transient", retryAfterMs };
      },
    );
    return result.ok ? { ok: true, value: result.value } : { ok: false, error: result.failure };
  }

  const lookup: VenueDeps["lookup"] = async (symbol, clientOrderId, force) => {
    if (ex.has["fetchOrder"] === true) {
      // ccxt binance reads params.clientOrderId as origClientOrderId; the id is then ignored.
      const r = await read(() => ex.fetchOrder("", symbol, { clientOrderId }), { force });
      if (r.ok) return { ok: true, value: toVenueOrder(r.value) };
      if (r.error.kind === "rejected" && r.error.reason === "VENUE_ORDER_NOT_FOUND") return { ok: true, value: undefined };
      if (!(r.error.kind === "rejected" && r.error.reason === "VENUE_NOT_SUPPORTED")) return r;
    }
    return lookupInLists(symbol, clientOrderId, force);
  };

  /** Fallback: open orders, then closed ones; absence is only proven when both can be listed. */
  const lookupInLists = async (symbol: string, clientOrderId: string, force: boolean): Promise<VenueRead<VenueOrder | undefined>> => {
    const lists: Array<() => Promise<import("ccxt").Order[]>> = [];
    if (ex.has["fetchOpenOrders"] === true) lists.push(() => ex.fetchOpenOrders(symbol));
    if (ex.has["fetchClosedOrders"] === true) lists.push(() => ex.fetchClosedOrders(symbol));
    for (const list of lists) {
      const r = await read(list, { force });
      if (!r.ok) return r;
      const found = r.value.find((o) => o.clientOrderId === clientOrderId);
      if (found) return { ok: true, value: toVenueOrder(found) };
    }
    if (lists.length === 2) return { ok: true, value: undefined };
    return { ok: false, error: { kind: "unknown", reason: "VENUE_UNEXPECTED_ERROR", detail: "venue cannot look orders up by client order id" } };
  };

  const deps: VenueDeps = {
    exchange: ex,
    clock,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
    retry,
    breaker,
    settleMs: options.ambiguousSettleMs ?? 11_000,
    sent: new Set(),
    read,
    attempt,
    lookup,
  };

  const loadMarkets = (reload = false): Promise<VenueRead<Map<string, MarketRules>>> => {
    if (!markets || reload) {
      const pending = read(async () => marketRulesMap(await ex.loadMarkets(reload), ex.precisionMode ?? -1));
      markets = pending;
      // A failed load is not cached: the next call tries again.
      void pending.then((r) => {
        if (!r.ok && markets === pending) markets = undefined;
      });
    }
    return markets;
  };

  /**
   * Whether a stop-loss and a take-profit on `symbol` can be native orders at this exchange: what
   * ccxt says of the loaded market (see nativeProtectionSupport), less what the exchange refused.
   */
  function protectionSupport(symbol: string): ProtectionSupport {
    const market = ex.markets?.[symbol];
    if (!market) return NO_NATIVE_PROTECTION;
    const said = nativeProtectionSupport(ex, market);
    return { stop_loss: said.stop_loss && !refused.has("stop_loss"), take_profit: said.take_profit && !refused.has("take_profit") };
  }

  async function submitOrder(input: SubmitOrderInput): Promise<SubmitResult> {
    if (breaker.isOpen()) return { status: "unavailable", reason: "CIRCUIT_OPEN" };
    const loaded = await loadMarkets();
    if (!loaded.ok) return unavailableFrom(loaded.error);
    const rules = loaded.value.get(input.symbol);
    if (!rules) return { status: "denied", reason: "UNKNOWN_MARKET" };
    const price = input.kind === "limit" ? input.limitPrice : input.referencePrice;
    if (price === undefined || !dec(price).gt(0)) return { status: "denied", reason: "NO_REFERENCE_PRICE" };
    if (input.kind === "limit" && !isValidPrice(rules, dec(price))) return { status: "denied", reason: "PRICE_OFF_TICK", limit: rules.priceStep };
    const fit = fitQuantity(rules, dec(input.quantity), dec(price));
    if (!fit.ok) return { status: "denied", reason: fit.reason, limit: fit.limit };
    const amount = plain(fit.quantity);
    // ccxt takes doubles; the value must come back out of its precision helpers unchanged.
    if (!sameValue(ex.amountToPrecision(input.symbol, Number(amount)), amount)) return { status: "denied", reason: "PRECISION_MISMATCH", limit: rules.amountStep };
    if (input.kind === "limit" && !sameValue(ex.priceToPrecision(input.symbol, Number(price)), price)) {
      return { status: "denied", reason: "PRECISION_MISMATCH", limit: rules.priceStep };
    }
    return submitWithRecovery(deps, input, rules, { amount, truncated: fit.truncated, price: input.kind === "limit" ? plain(price) : undefined });
  }

  return {
    accountId: options.accountId,
    breaker,
    loadMarkets,
    submitOrder,
    protectionSupport,
    /**
     * A stored stop-loss or take-profit as a native stop-limit order: it waits at the exchange
     * until its trigger trades, then works as a limit `stopLimitOffsetBps` past it. A refusal that
     * says the exchange does not take the type is remembered (see protectionSupport).
     */
    async submitProtection(input: ProtectionOrderInput): Promise<SubmitResult> {
      if (!protectionSupport(input.symbol)[input.role]) return { status: "rejected", reason: "VENUE_NOT_SUPPORTED", detail: `no native ${input.role} on ${input.symbol}` };
      const loaded = await loadMarkets();
      if (!loaded.ok) return unavailableFrom(loaded.error);
      const rules = loaded.value.get(input.symbol);
      if (!rules) return { status: "denied", reason: "UNKNOWN_MARKET" };
      const trigger = input.triggerPrice;
      if (!dec(trigger).gt(0) || !isValidPrice(rules, dec(trigger))) return { status: "denied", reason: "PRICE_OFF_TICK", limit: rules.priceStep };
      if (!sameValue(ex.priceToPrecision(input.symbol, Number(trigger)), trigger)) return { status: "denied", reason: "PRECISION_MISMATCH", limit: rules.priceStep };
      const limitPrice = stopLimitPrice({ side: input.side, trigger, offsetBps: options.stopLimitOffsetBps ?? DEFAULT_STOP_LIMIT_OFFSET_BPS, priceStep: rules.priceStep });
      const { clientOrderId, symbol, side, quantity, mayExist, role } = input;
      const result = await submitOrder({ clientOrderId, symbol, side, kind: "limit", quantity, limitPrice, mayExist, trigger: { role, price: trigger } });
      if (result.status === "rejected" && (result.reason === "VENUE_BAD_REQUEST" || result.reason === "VENUE_NOT_SUPPORTED")) {
        refused.add(role);
        options.logger?.warn({ accountId: options.accountId, venue: ex.id, role, detail: result.detail }, "the exchange refused a native protection order; engine-managed from now on");
      }
      return result;
    },
    async fetchOrderByClientId(symbol: string, clientOrderId: string): Promise<VenueRead<VenueOrder | undefined>> {
      return lookup(symbol, clientOrderId, false);
    },
    async cancelOrder(venueOrderId: string, symbol: string): Promise<VenueRead<VenueOrder>> {
      const r = await read(() => ex.cancelOrder(venueOrderId, symbol));
      return r.ok ? { ok: true, value: toVenueOrder(r.value) } : r;
    },
    async fetchOpenOrders(symbol?: string): Promise<VenueRead<VenueOrder[]>> {
      const r = await read(() => ex.fetchOpenOrders(symbol));
      return r.ok ? { ok: true, value: r.value.map(toVenueOrder) } : r;
    },
    async fetchMyTrades(symbol: string, since?: Date): Promise<VenueRead<VenueTrade[]>> {
      const r = await read(() => ex.fetchMyTrades(symbol, since?.getTime()));
      return r.ok ? { ok: true, value: r.value.map(toVenueTrade) } : r;
    },
    /**
     * Arms (or re-arms) the venue's dead-man's switch: unless called again within `timeoutMs`, the
     * venue cancels every open order of the account. false when the venue has no such switch.
     */
    async armDeadManSwitch(timeoutMs: number): Promise<VenueRead<boolean>> {
      if (!ex.has["cancelAllOrdersAfter"]) return { ok: true, value: false };
      const r = await read(() => ex.cancelAllOrdersAfter(timeoutMs));
      return r.ok ? { ok: true, value: true } : r;
    },
    /** The symbol's last traded price, as a decimal string (undefined when the venue gives none). */
    async fetchLastPrice(symbol: string): Promise<VenueRead<string | undefined>> {
      const r = await read(() => ex.fetchTicker(symbol));
      return r.ok ? { ok: true, value: numberText(r.value.last ?? r.value.close) } : r;
    },
    async fetchBalances(): Promise<VenueRead<Map<string, VenueBalance>>> {
      const r = await read(() => ex.fetchBalance());
      return r.ok ? { ok: true, value: toVenueBalances(r.value) } : r;
    },
  };
}

const sameValue = (sent: string | undefined, intended: string) => sent !== undefined && sent !== "" && dec(sent).eq(dec(intended));
