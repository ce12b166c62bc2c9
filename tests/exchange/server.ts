import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Decimal } from "decimal.js";
import {
  accountBody,
  cancelBody,
  newOrderBody,
  orderQueryBody,
  ticker24hrBody,
  tradeBody,
} from "./binance-format.js";
import { BinanceError, unknownOrder } from "./binance-errors.js";
import { FaultInjector, RATE_LIMITED_BODY, type FaultKind } from "./faults.js";
import { KlineBook, type KlineSeed } from "./klines.js";
import { defaultMarkets, exchangeInfoSymbol, usdmPerpetualSymbol, type MarketSpec } from "./markets.js";
import { checkTimestamp, verifySignature } from "./signing.js";
import { ExchangeState, isOpenOrder, type ExchangeOrder, type Side, type StopOrderSupport } from "./state.js";
import { requestWeight, WeightMeter } from "./weights.js";

export type TestExchangeOptions = {
  apiKey: string;
  secret: string;
  markets?: readonly MarketSpec[];
  /** Free balance per asset, e.g. `{ USDT: "10000" }`. */
  balances?: Readonly<Record<string, string>>;
  /** Last price per symbol, e.g. `{ BTCUSDT: "50000" }`. */
  prices?: Readonly<Record<string, string>>;
  /** Server time in ms; shift it to provoke -1021 without faking the client's clock. */
  clock?: () => number;
  /** Commission rate taken from the received asset on every fill; default 0. */
  commissionRate?: string;
  /** REQUEST_WEIGHT per minute of `clock`; past it a request is answered 429 with Retry-After. Default: no limit. */
  requestWeightPerMinute?: number;
  /**
   * STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT: "native" takes them; "none" (the default, as before they
   * existed here) neither lists nor takes them; "refused" lists them and answers -1116 Invalid orderType.
   */
  stopOrders?: StopOrderSupport;
};

/** `receivedAt`: Date.now() when the request's headers arrived (the benchmark times the gateway's orders by it). */
export type RecordedRequest = Readonly<{ method: string; path: string; query: string; body: string; receivedAt: number }>;

export type TestExchange = {
  url: string;
  port: number;
  /** `urls.api` for ccxt's binance class: every key it may use, all pointing here. */
  ccxtApiUrls: Readonly<Record<"public" | "private" | "v1" | "sapi", string>>;
  setPrice(symbol: string, price: string): void;
  /** Fills part of a resting limit order (by client order id) at its price; it stays open for the rest. */
  fillPart(clientOrderId: string, quantity: string): void;
  /** Candles GET /api/v3/klines serves for an exchange symbol (BTCUSDT) and Binance interval (1h). */
  seedKlines(symbol: string, interval: string, rows: readonly KlineSeed[]): void;
  /** REQUEST_WEIGHT used in the current minute, as the X-MBX-USED-WEIGHT-1M header reports it. */
  usedWeight(): number;
  faults: FaultInjector;
  orders(): readonly ExchangeOrder[];
  balance(asset: string): { free: string; locked: string };
  /** Moves an asset's free balance by `delta` (a deposit or a withdrawal made outside the gateway). */
  adjustBalance(asset: string, delta: string): void;
  requests(): readonly RecordedRequest[];
  close(): Promise<void>;
};

type Params = URLSearchParams;
type Handler = (p: Params) => unknown;

export async function startTestExchange(options: TestExchangeOptions): Promise<TestExchange> {
  const now = options.clock ?? Date.now;
  const state = new ExchangeState(
    options.markets ?? defaultMarkets,
    options.balances ?? {},
    options.prices ?? {},
    now,
    new Decimal(options.commissionRate ?? "0"),
    options.stopOrders ?? "none",
  );
  const faults = new FaultInjector();
  const klines = new KlineBook();
  const weight = new WeightMeter(options.requestWeightPerMinute);
  const recorded: RecordedRequest[] = [];
  const held = new Set<ReturnType<typeof setTimeout>>();

  const publicRoutes: Record<string, Handler> = {
    "GET /api/v3/ping": () => ({}),
    "GET /api/v3/time": () => ({ serverTime: now() }),
    "GET /api/v3/exchangeInfo": (p) => ({
      timezone: "UTC",
      serverTime: now(),
      rateLimits: [
        { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 6000 },
        { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 100 },
        { rateLimitType: "ORDERS", interval: "DAY", intervalNum: 1, limit: 200000 },
      ],
      exchangeFilters: [],
      symbols: selectSymbols(state, p).map((m) => exchangeInfoSymbol(m, state.listsStopOrders())),
    }),
    "GET /api/v3/ticker/price": (p) => tickers(state, p, (s, price) => ({ symbol: s, price: price.toFixed(8) })),
    "GET /api/v3/ticker/24hr": (p) => tickers(state, p, (s, price) => ticker24hrBody(s, price, now())),
    "GET /api/v3/klines": (p) => klines.query(state.market(p.get("symbol")).symbol, p),
    // USDT-margined perpetuals of the same markets, public data only: what ccxt loads for a swap
    // symbol (BTC/USDT:USDT), its last price and its candles. Coin-margined ones: none.
    "GET /fapi/v1/exchangeInfo": () => ({ timezone: "UTC", serverTime: now(), rateLimits: [], assets: [], symbols: [...state.markets.values()].map(usdmPerpetualSymbol) }),
    "GET /dapi/v1/exchangeInfo": () => ({ timezone: "UTC", serverTime: now(), rateLimits: [], symbols: [] }),
    "GET /fapi/v2/ticker/price": (p) => tickers(state, p, (s, price) => ({ symbol: s, price: price.toFixed(8), time: now() })),
    // The same candles as spot: seedKlines seeds both.
    "GET /fapi/v1/klines": (p) => klines.query(state.market(p.get("symbol")).symbol, p),
  };

  const signedRoutes: Record<string, Handler> = {
    "POST /api/v3/order": (p) => {
      const order = state.placeOrder({
        symbol: p.get("symbol") ?? "",
        side: p.get("side") as Side,
        type: p.get("type") ?? "",
        quantity: p.get("quantity"),
        quoteOrderQty: p.get("quoteOrderQty"),
        price: p.get("price"),
        stopPrice: p.get("stopPrice"),
        timeInForce: p.get("timeInForce"),
        newClientOrderId: p.get("newClientOrderId"),
      });
      return newOrderBody(order, p.get("newOrderRespType"));
    },
    "GET /api/v3/order": (p) =>
      orderQueryBody(state.query(state.market(p.get("symbol")).symbol, p.get("orderId"), p.get("origClientOrderId"))),
    "DELETE /api/v3/order": (p) => {
      const order = state.find(state.market(p.get("symbol")).symbol, p.get("orderId"), p.get("origClientOrderId"));
      if (!order || !isOpenOrder(order)) throw unknownOrder();
      state.cancel(order);
      return cancelBody(order, p.get("newClientOrderId") ?? `cancel-${order.orderId}`);
    },
    "GET /api/v3/openOrders": (p) => {
      const symbol = p.get("symbol");
      if (symbol !== null) state.market(symbol);
      return state.orders
        .filter((o) => isOpenOrder(o) && (symbol === null || o.symbol === symbol))
        .map(orderQueryBody);
    },
    "GET /api/v3/myTrades": (p) => {
      const symbol = state.market(p.get("symbol")).symbol;
      const orderId = p.get("orderId");
      const fromId = Number(p.get("fromId") ?? 0);
      const startTime = Number(p.get("startTime") ?? 0);
      const endTime = Number(p.get("endTime") ?? Number.MAX_SAFE_INTEGER);
      const limit = Math.min(Number(p.get("limit") ?? 500), 1000);
      return state.trades
        .filter(
          (t) =>
            t.symbol === symbol &&
            (orderId === null || String(t.orderId) === orderId) &&
            t.id >= fromId &&
            t.time >= startTime &&
            t.time <= endTime,
        )
        .slice(0, limit)
        .map(tradeBody);
    },
    "GET /api/v3/account": () => accountBody(state, now()),
  };

  const authenticate = (req: IncomingMessage, rawQuery: string, rawBody: string, params: Params) => {
    const key = req.headers["x-mbx-apikey"];
    if (typeof key !== "string" || key === "") throw new BinanceError(-2014, "API-key format invalid.");
    if (key !== options.apiKey) throw new BinanceError(-2015, "Invalid API-key, IP, or permissions for action.");
    checkTimestamp(params, now());
    verifySignature(rawQuery, rawBody, options.secret);
  };

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    if (res.destroyed) return;
    const used = String(weight.usedAt(now()));
    res.writeHead(status, { "content-type": "application/json;charset=UTF-8", "x-mbx-used-weight": used, "x-mbx-used-weight-1m": used, ...headers });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const receivedAt = Date.now();
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? "/", "http://localhost");
    const rawQuery = url.search.replace(/^\?/, "");
    const method = req.method ?? "GET";
    recorded.push({ method, path: url.pathname, query: rawQuery, body: rawBody, receivedAt });

    const params = new URLSearchParams(rawBody);
    for (const [k, v] of url.searchParams) params.set(k, v);
    const taken = faults.take(method, url.pathname, params);
    const latency = pick(taken, "latency");
    if (latency) await sleep(latency.ms);
    const status = pick(taken, "status");
    if (status) {
      const headers: Record<string, string> = status.retryAfterSeconds === undefined ? {} : { "retry-after": String(status.retryAfterSeconds) };
      return send(res, status.status, status.body ?? "", headers);
    }
    const injected = pick(taken, "binanceError");
    if (injected) return send(res, injected.status, JSON.stringify({ code: injected.code, msg: injected.msg }));

    const charged = weight.charge(requestWeight(method, url.pathname, params), now());
    if (!charged.ok) return send(res, 429, RATE_LIMITED_BODY, { "retry-after": String(charged.retryAfterSeconds) });

    let httpStatus = 200;
    let payload: unknown;
    try {
      const key = `${method} ${url.pathname}`;
      const publicHandler = publicRoutes[key];
      const signedHandler = signedRoutes[key];
      if (publicHandler) {
        payload = publicHandler(params);
      } else if (signedHandler) {
        authenticate(req, rawQuery, rawBody, params);
        payload = signedHandler(params);
      } else {
        return send(res, 404, "", { "content-type": "text/html" });
      }
    } catch (error) {
      if (!(error instanceof BinanceError)) throw error;
      httpStatus = error.status;
      payload = error.body();
    }

    const timeout = pick(taken, "acceptThenTimeout");
    if (timeout) {
      // The work is done; the client never hears about it (or hears only after its own timeout).
      if (timeout.holdMs === undefined) return;
      const timer = setTimeout(() => {
        held.delete(timer);
        send(res, httpStatus, JSON.stringify(payload));
      }, timeout.holdMs);
      held.add(timer);
      return;
    }
    send(res, httpStatus, JSON.stringify(payload));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      send(res, 500, JSON.stringify({ code: -1000, msg: "An unknown error occurred while processing the request." }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    ccxtApiUrls: { public: `${url}/api/v3`, private: `${url}/api/v3`, v1: `${url}/api/v1`, sapi: `${url}/sapi/v1` },
    setPrice: (symbol, price) => state.setPrice(symbol, price),
    fillPart: (clientOrderId, quantity) => state.fillPart(clientOrderId, quantity),
    seedKlines: (symbol, interval, rows) => klines.seed(symbol, interval, rows),
    usedWeight: () => weight.usedAt(now()),
    faults,
    orders: () => state.orders,
    balance: (asset) => {
      const b = state.balance(asset);
      return { free: b.free.toFixed(), locked: b.locked.toFixed() };
    },
    adjustBalance: (asset, delta) => {
      const b = state.balance(asset);
      b.free = b.free.plus(delta);
    },
    requests: () => recorded,
    close: async () => {
      for (const timer of held) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

function selectSymbols(state: ExchangeState, p: Params): MarketSpec[] {
  const one = p.get("symbol");
  if (one !== null) return [state.market(one)];
  const many = p.get("symbols");
  if (many !== null) return (JSON.parse(many) as string[]).map((s) => state.market(s));
  return [...state.markets.values()];
}

function tickers(state: ExchangeState, p: Params, shape: (symbol: string, price: Decimal) => unknown): unknown {
  const one = p.get("symbol");
  if (one !== null) return shape(one, state.price(state.market(one).symbol));
  return [...state.prices].map(([s, price]) => shape(s, price));
}

function pick<K extends FaultKind["kind"]>(taken: FaultKind[], kind: K): Extract<FaultKind, { kind: K }> | undefined {
  return taken.find((f): f is Extract<FaultKind, { kind: K }> => f.kind === kind);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
