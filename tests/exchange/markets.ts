export type MarketSpec = Readonly<{
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  tickSize: string;
  minPrice: string;
  maxPrice: string;
  stepSize: string;
  minQty: string;
  maxQty: string;
  minNotional: string;
}>;

export const defaultMarkets: readonly MarketSpec[] = [
  {
    symbol: "BTCUSDT",
    baseAsset: "BTC",
    quoteAsset: "USDT",
    tickSize: "0.01",
    minPrice: "0.01",
    maxPrice: "1000000.00",
    stepSize: "0.00001",
    minQty: "0.00001",
    maxQty: "9000.00000",
    minNotional: "5.00",
  },
  {
    symbol: "ETHUSDT",
    baseAsset: "ETH",
    quoteAsset: "USDT",
    tickSize: "0.01",
    minPrice: "0.01",
    maxPrice: "1000000.00",
    stepSize: "0.0001",
    minQty: "0.0001",
    maxQty: "9000.0000",
    minNotional: "5.00",
  },
];

const STOP_ORDER_TYPES = ["STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"];

/**
 * One symbol of GET /api/v3/exchangeInfo, with the fields ccxt's parseMarket reads. ccxt refuses an
 * order type the symbol does not list before sending anything.
 */
export function exchangeInfoSymbol(m: MarketSpec, listStopOrders = false) {
  return {
    symbol: m.symbol,
    status: "TRADING",
    baseAsset: m.baseAsset,
    baseAssetPrecision: 8,
    quoteAsset: m.quoteAsset,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ["LIMIT", "LIMIT_MAKER", "MARKET", ...(listStopOrders ? STOP_ORDER_TYPES : [])],
    icebergAllowed: false,
    ocoAllowed: false,
    otoAllowed: false,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: false,
    cancelReplaceAllowed: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: "PRICE_FILTER", minPrice: m.minPrice, maxPrice: m.maxPrice, tickSize: m.tickSize },
      { filterType: "LOT_SIZE", minQty: m.minQty, maxQty: m.maxQty, stepSize: m.stepSize },
      {
        filterType: "NOTIONAL",
        minNotional: m.minNotional,
        applyMinToMarket: true,
        maxNotional: "9000000.00",
        applyMaxToMarket: false,
        avgPriceMins: 5,
      },
    ],
    permissions: [],
    permissionSets: [["SPOT"]],
    defaultSelfTradePreventionMode: "EXPIRE_MAKER",
    allowedSelfTradePreventionModes: ["NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
  };
}

/**
 * One symbol of GET /fapi/v1/exchangeInfo: the same market as a USDT-margined perpetual, with the
 * fields ccxt's parseMarket reads for a linear swap. Only public market data is served for it (the
 * paper price feed reads its last price); no futures trading.
 */
export function usdmPerpetualSymbol(m: MarketSpec) {
  return {
    symbol: m.symbol,
    pair: m.symbol,
    contractType: "PERPETUAL",
    deliveryDate: 4133404800000,
    onboardDate: 1569398400000,
    status: "TRADING",
    baseAsset: m.baseAsset,
    quoteAsset: m.quoteAsset,
    marginAsset: m.quoteAsset,
    pricePrecision: 2,
    quantityPrecision: 3,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: "COIN",
    underlyingSubType: [],
    filters: [
      { filterType: "PRICE_FILTER", minPrice: m.minPrice, maxPrice: m.maxPrice, tickSize: m.tickSize },
      { filterType: "LOT_SIZE", minQty: "0.001", maxQty: "1000", stepSize: "0.001" },
      { filterType: "MARKET_LOT_SIZE", minQty: "0.001", maxQty: "120", stepSize: "0.001" },
      { filterType: "MAX_NUM_ORDERS", limit: 200 },
      { filterType: "MIN_NOTIONAL", notional: "5" },
    ],
    orderTypes: ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET"],
    timeInForce: ["GTC", "IOC", "FOK", "GTX"],
  };
}
