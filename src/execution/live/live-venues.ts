import * as ccxt from "ccxt";
import type { Exchange } from "ccxt";
import type { ExchangeAccountConfig } from "../../config/exchange-accounts.js";
import type { Db } from "../../db/client.js";
import { openPositionRowsOfAccount, setAccountCash } from "../../db/repositories/accounts-repository.js";
import { dec, plain, type Dec } from "../../domain/decimal.js";
import type { MarketRules } from "../../domain/market.js";
import type { Clock } from "../../lib/clock.js";
import type { IdSource } from "../../lib/ids.js";
import type { Logger } from "../../lib/logger.js";
import type { LiveAccounts } from "../live-status.js";
import type { PositionRow } from "../../db/schema/positions.js";
import { createCcxtVenue, type CcxtVenue } from "./ccxt-venue.js";
import { createRequestBucket } from "./request-bucket.js";
import type { LiveVenues } from "./live-venues-port.js";
import { followNativeProtection } from "./native-protection.js";
import { watchProtection } from "./protection-watcher.js";
import { reconcileOrders } from "./reconcile.js";
import { refreshMarks } from "./venue-marks.js";
import { setStateByVenue } from "./venue-state.js";
import { withOrigin } from "../../lib/with-origin.js";
import type { TradingMetrics, VenueCallObserver } from "../../metrics/port.js";
import type { Notifier } from "../../notifications/notifier.js";


type ExchangeClass = new (config: Record<string, unknown>) => Exchange;

/** How much of an exchange's request budget may go at once after a quiet spell (see request-bucket.ts). */
const REQUEST_BURST_MS = 1000;

/**
 * Requests through ccxt's rate limiter, priced as ccxt prices them, but metered by our token bucket
 * (createRequestBucket) instead of ccxt's leaky bucket: an order is not held back after a quiet
 * spell, and the long-run rate stays the exchange's as ccxt knows it.
 */
export function withRequestBucket<E extends Exchange>(exchange: E): E {
  exchange.enableRateLimit = true;
  const bucket = createRequestBucket({ msPerUnit: Number(exchange.rateLimit ?? 0), burstMs: REQUEST_BURST_MS });
  exchange.throttle = (cost?: number) => bucket(cost);
  return exchange;
}

/**
 * A ccxt client for one configured account: credentials read from the environment now (never
 * stored), requests metered by withRequestBucket, the sandbox (testnet) URLs when asked, and `apiBaseUrl`, when
 * set, replacing the origin of every API URL (a proxy, a regional endpoint, or a test exchange that
 * serves the exchange's paths).
 */
export function exchangeClient(
  account: ExchangeAccountConfig,
  credentials: { apiKey: string; secret: string; password?: string | undefined },
  timeoutMs: number,
  recvWindowMs: number,
): Exchange {
  const Class = (ccxt as unknown as Record<string, ExchangeClass | undefined>)[account.exchange];
  if (!Class) throw new Error(`ccxt has no exchange '${account.exchange}'`);
  const exchange = new Class({
    apiKey: credentials.apiKey,
    secret: credentials.secret,
    ...(credentials.password ? { password: credentials.password } : {}),
    timeout: timeoutMs,
    // Only what trading needs: no currency or margin listings (extra private endpoints at load time).
    options: {
      defaultType: account.marketType,
      fetchCurrencies: false,
      fetchMargins: false,
      // Spot loads only spot markets; binance calls its USDT perpetuals "linear", so a swap account
      // leaves the market types to ccxt rather than name one the exchange does not know.
      ...(account.marketType === "spot" ? { fetchMarkets: { types: ["spot"] } } : {}),
      // How long a signed request stays valid at the venue (Binance's name; others ignore it).
      recvWindow: recvWindowMs,
    },
  });
  withRequestBucket(exchange);
  if (account.sandbox) exchange.setSandboxMode(true);
  if (account.apiBaseUrl) exchange.urls["api"] = withOrigin(exchange.urls["api"], account.apiBaseUrl) as typeof exchange.urls["api"];
  return exchange;
}

const MARKETS_MAX_AGE_MS = 60 * 60 * 1000;


export function createLiveVenues(options: {
  liveAccounts: LiveAccounts;
  db: Db;
  clock: Clock;
  ids: IdSource;
  logger: Logger;
  timeoutMs: number;
  /** The venue's receive window: a request not seen by then never will be (see ccxt-venue's ambiguousSettleMs). */
  recvWindowMs: number;
  reconcileEveryMs: number;
  /** How often held stops and targets are checked against the venue's last price; 0: never on this instance. */
  protectionEveryMs: number;
  /** The dead-man's switch's timeout where the venue has one (refreshed at a quarter of it); 0: off. */
  deadManMs: number;
  /** How far past its trigger a native stop-limit's limit price lies, in basis points; default 50. */
  stopLimitOffsetBps?: string | undefined;
  venueCalls?: VenueCallObserver | undefined;
  /** Counts live fills as they are booked (reconciliation and the protection passes book them too). */
  metrics?: TradingMetrics | undefined;
  /** Writes notification events with what the venue passes book (fills, closes) and with the states it sets. */
  notifier?: Notifier | undefined;
}): LiveVenues {
  const { liveAccounts, clock, logger } = options;
  const settleMs = options.recvWindowMs + 1000;
  const venues = new Map<string, CcxtVenue>();
  for (const account of liveAccounts.accounts) {
    const exchange = exchangeClient(account, liveAccounts.credentialsOf(account.id), options.timeoutMs, options.recvWindowMs);
    const offset = options.stopLimitOffsetBps === undefined ? {} : { stopLimitOffsetBps: options.stopLimitOffsetBps };
    venues.set(account.id, createCcxtVenue({ exchange, accountId: account.id, clock, logger, ambiguousSettleMs: settleMs, venueCalls: options.venueCalls, ...offset }));
  }
  const connected = new Set<string>();
  const marketsLoadedAt = new Map<string, number>();
  const timers: NodeJS.Timeout[] = [];
  let running: Promise<void> | undefined;
  let watching: Promise<void> | undefined;
  // One pass at a time: a timer skips a beat rather than overlapping a slow exchange.
  const pass = () => (running ??= reconcileAll().finally(() => (running = undefined)));
  const watch = () => (watching ??= watchAll().finally(() => (watching = undefined)));
  const every = (ms: number, run: () => Promise<void>, what: string) => {
    if (ms <= 0) return;
    const timer = setInterval(() => void run().catch((err: unknown) => logger.error({ err }, `${what} failed; will retry`)), ms);
    timer.unref();
    timers.push(timer);
  };

  return {
    venueOf: (accountId) => venues.get(accountId),
    start: async () => {
      void pass().catch((err: unknown) => logger.error({ err }, "live accounts could not be reconciled"));
      every(options.reconcileEveryMs, pass, "live reconciliation");
      every(options.protectionEveryMs, watch, "live protection watch");
      if (options.deadManMs > 0) {
        void armAll().catch((err: unknown) => logger.error({ err }, "dead-man's switch could not be armed"));
        every(Math.max(1000, Math.floor(options.deadManMs / 4)), armAll, "dead-man's switch refresh");
      }
    },
    reconcileNow: () => pass(),
    watchProtectionNow: () => watch(),
    stop: async () => {
      for (const timer of timers.splice(0)) clearInterval(timer);
      await Promise.all([running?.catch(() => {}), watching?.catch(() => {})]);
    },
  };

  /**
   * While this instance runs, each venue that has a dead-man's switch is told to cancel the
   * account's open orders if it does not hear from us again within deadManMs: a gateway that dies
   * leaves no orders working unwatched for long. Refreshed at a quarter of the timeout.
   */
  async function armAll(): Promise<void> {
    for (const [accountId, venue] of venues) {
      const armed = await venue.armDeadManSwitch(options.deadManMs);
      if (!armed.ok) logger.warn({ accountId, reason: armed.error.reason }, "dead-man's switch refresh failed; will retry");
    }
  }

  /**
   * Native stops and targets first (a fill at the exchange is booked and ends the position's other
   * protection), then the ones the gateway holds against the last price.
   */
  async function watchAll(): Promise<void> {
    for (const account of liveAccounts.accounts) {
      const venue = venues.get(account.id);
      // Only once connected: the markets' rules are needed to place an exit.
      if (!venue || !connected.has(account.id)) continue;
      const markets = await venue.loadMarkets();
      if (!markets.ok) continue;
      await followNativeProtection({ ...options }, venue, account.id, markets.value, settleMs, { working: true });
      await watchProtection({ ...options }, venue, account.id, markets.value);
    }
  }

  async function reconcileAll(): Promise<void> {
    for (const account of liveAccounts.accounts) {
      const venue = venues.get(account.id);
      if (venue) await reconcileAccount(account, venue);
    }
  }

  /**
   * Markets and balances (the first time: the account's cash becomes the venue's balance), then our
   * unsettled orders against the venue's, our positions against its balances, and last the marks of
   * what the account holds, from the venue's last prices.
   */
  async function reconcileAccount(account: ExchangeAccountConfig, venue: CcxtVenue): Promise<void> {
    // Markets are cached; an exchange lists and delists, and changes steps and limits: reload hourly.
    const reload = clock.now().getTime() - (marketsLoadedAt.get(account.id) ?? clock.now().getTime()) >= MARKETS_MAX_AGE_MS;
    const [markets, balances] = [await venue.loadMarkets(reload), await venue.fetchBalances()];
    if (markets.ok && (reload || !marketsLoadedAt.has(account.id))) marketsLoadedAt.set(account.id, clock.now().getTime());
    if (!markets.ok || !balances.ok) {
      const error = !markets.ok ? markets.error : !balances.ok ? balances.error : undefined;
      liveAccounts.status.reportHealth(account.id, "unavailable", `${error?.reason ?? "unknown"}: markets or balances could not be read`);
      if (error?.kind === "auth") {
        // A key the venue refuses will not get better by retrying: the account's trading stops
        // until an operator has fixed the key and PUTs the account back to ACTIVE.
        await setStateByVenue(options.db, logger, { accountId: account.id, state: "HALTED", reason: error.reason, at: clock.now() }, options.notifier);
      } else {
        logger.error({ accountId: account.id, reason: error?.reason }, "live account unavailable");
      }
      return;
    }
    if (!connected.has(account.id)) {
      // The ledger's cash for a live account starts as the venue's balance in the account's currency.
      await setAccountCash(options.db, account.id, balances.value.get(account.currency)?.total ?? "0", clock.now());
      connected.add(account.id);
    }
    liveAccounts.status.reportHealth(account.id, "ok", `${markets.value.size} markets`);
    const orders = await reconcileOrders({ ...options }, venue, account.id, markets.value, settleMs);
    // The account's open positions, read once for the balance check and the marks.
    const held = await openPositionRowsOfAccount(options.db, account.id);
    const mismatch = positionMismatch(held, markets.value, balances.value);
    if (mismatch) {
      // Our books and the venue's disagree: no new risk until someone has looked.
      await setStateByVenue(options.db, logger, { accountId: account.id, state: "REDUCING", reason: "POSITION_MISMATCH", at: clock.now(), detail: mismatch }, options.notifier);
      liveAccounts.status.reportReconciliation(account.id, "mismatch", mismatch);
    } else if (orders.unresolved > 0) {
      liveAccounts.status.reportReconciliation(account.id, "failed", `${orders.unresolved} of ${orders.checked} open orders could not be confirmed with the venue`);
    } else {
      liveAccounts.status.reportReconciliation(account.id, "in_sync", `${orders.checked} open orders checked, ${orders.updated} updated`);
    }
    await refreshMarks(options, venue, account.id, held);
  }
}

/**
 * Spot: what we hold per base asset (every strategy's open positions on the account) against the
 * venue's balance. The venue holding less than our books say, by more than one amount step, is a
 * mismatch (more is not: the account may hold coins the gateway never bought). A description, or
 * undefined when they agree.
 */
function positionMismatch(
  positions: readonly PositionRow[],
  markets: ReadonlyMap<string, MarketRules>,
  balances: ReadonlyMap<string, { total: string }>,
): string | undefined {
  const held = new Map<string, { quantity: Dec; step: string }>();
  for (const p of positions) {
    const rules = markets.get(p.symbol);
    if (!rules || rules.kind !== "spot") continue;
    const prior = held.get(rules.base);
    held.set(rules.base, { quantity: (prior?.quantity ?? dec(0)).plus(p.quantity), step: rules.amountStep });
  }
  for (const [asset, ours] of held) {
    const theirs = dec(balances.get(asset)?.total ?? "0");
    if (theirs.plus(ours.step).lt(ours.quantity)) return `${asset}: our positions hold ${plain(ours.quantity)}, the venue's balance is ${plain(theirs)}`;
  }
  return undefined;
}
