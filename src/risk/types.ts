import type { Dec } from "../domain/decimal.js";
import type { MarketRules } from "../domain/market.js";
import type { OrderKind, OrderSide } from "../domain/order.js";
import type { RiskLimits } from "./limits.js";
import type { ReasonCode } from "./reason-codes.js";
import type { TradingStates, TradingStateScope } from "./trading-state.js";

/** What the strategy manager asks the risk engine to let through. */
export type OrderRequest = {
  readonly accountId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly kind: OrderKind;
  /** In order units (contracts for swaps), above zero. */
  readonly quantity: Dec | string;
  /** Required for limit orders, optional for stop orders (stop-limit), absent for market orders. */
  readonly limitPrice?: Dec | string;
  /** Required for stop orders, absent otherwise. */
  readonly stopPrice?: Dec | string;
  readonly reduceOnly: boolean;
  /** The freshest price known for the symbol; every order needs one, for collars, caps and notional. */
  readonly referencePrice?: Dec | string;
  /** When the reference price was observed: a Date or ISO 8601 text. */
  readonly referencePriceAt?: Date | string;
};

/**
 * One position as the engine sees it: signed quantity in order units, valued at `markPrice`.
 * `contractSize` is carried (like Position's) so positions in other markets can be valued without
 * their rules; for the order's own symbol the market rules' contract size is used.
 */
export type PositionSnapshot = {
  readonly symbol: string;
  readonly quantity: Dec | string;
  readonly markPrice: Dec | string;
  readonly contractSize: string;
};

/** What a buy pays at a venue beyond its notional, in basis points (see RiskContext.buyCosts). */
export type VenueBuyCosts = { readonly feeBps: Dec | string; readonly slippageBps: Dec | string };

/** Everything the engine needs besides the order, read at one instant by the caller. */
export type RiskContext = {
  /** Rules of the order's market; undefined when the market is unknown. */
  readonly market: MarketRules | undefined;
  readonly tradingStates: TradingStates;
  readonly positions: {
    /** This strategy's positions on the account, by symbol; a missing symbol is flat. */
    readonly strategy: readonly PositionSnapshot[];
    /** The account's net positions over all strategies, by symbol; a missing symbol is flat. */
    readonly account: readonly PositionSnapshot[];
  };
  /** Positions open on the account; the engine uses the larger of this and the non-flat snapshots. */
  readonly openPositionsCount: number;
  /**
   * Unfilled quantity of the account's working sells (not reduce-only) in the order's symbol, in
   * order units: on a spot market they have the holdings promised. Absent: none.
   */
  readonly restingSells?: Dec | string;
  /**
   * The account's cash, in its currency, and what its working spot buys (not reduce-only, every
   * symbol) may still spend at their limit or stop prices, before fees: a spot buy pays from what is
   * left. Absent: a caller with no cash ledger, and spot buys are not checked against cash.
   */
  readonly cash?: { readonly currency: string; readonly amount: Dec | string; readonly restingBuys: Dec | string };
  /**
   * What a buy pays at the venue on top of its notional, in basis points: the fee (the higher of
   * maker and taker, since either may apply) and, for a market buy, the slippage. Absent: the
   * market's own fees and no slippage.
   */
  readonly buyCosts?: VenueBuyCosts;
  readonly equity: Dec | string;
  /**
   * Realized + unrealized PnL of the account since `since`, which must be 00:00 UTC of `now`:
   * yesterday's figure would let today's losses through unseen.
   */
  readonly dailyPnl: {
    readonly realized: Dec | string;
    readonly unrealized: Dec | string;
    readonly since: Date | string;
  };
  /** Equity at 00:00 UTC; defaults to equity − daily PnL, which holds when nothing was deposited or withdrawn. */
  readonly startOfDayEquity?: Dec | string;
  /**
   * When this strategy's recent orders were submitted: the last minute's, or at least the latest
   * maxOrdersPerMinute of them (enough to tell whether the limit is reached).
   */
  readonly recentOrderTimes: readonly (Date | string | number)[];
  readonly limits: RiskLimits;
};

export const RISK_OUTCOMES = ["approved", "resized", "denied"] as const;
export type RiskOutcome = (typeof RISK_OUTCOMES)[number];

/** The rules in the order they run; a denial stops the run, so later rules are absent from `checks`. */
export const RISK_RULES = [
  "input",
  "tradingState",
  "market",
  "referencePrice",
  "price",
  "reduceOnly",
  "quantity",
  "spotHoldings",
  "maxOrderNotional",
  "maxPosition",
  "maxLeverage",
  "maxOpenPositions",
  "maxGrossExposure",
  "spotCash",
  "orderRate",
  "dailyLoss",
] as const;
export type RiskRule = (typeof RISK_RULES)[number];

export type RiskCheck = {
  readonly rule: RiskRule;
  /** False only for the denying check; a resize passes, with its reason. */
  readonly passed: boolean;
  readonly reason: ReasonCode | null;
  readonly detail: string;
};

/** The order as approved: the request with every decimal as plain text and the final quantity. */
export type ApprovedOrder = {
  readonly accountId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly kind: OrderKind;
  readonly quantity: string;
  readonly limitPrice?: string;
  readonly stopPrice?: string;
  readonly reduceOnly: boolean;
  readonly referencePrice?: string;
  readonly referencePriceAt?: string;
};

export type StateChange = {
  readonly scope: TradingStateScope;
  readonly to: "REDUCING" | "HALTED";
  readonly reason: ReasonCode;
};

/**
 * A decision is plain data (strings, numbers, booleans, arrays): it is stored on the signal's trace
 * as is and JSON round-trips unchanged. `reason` and `limit` name the rule that denied, or the last
 * one that resized; both are null for a clean approval.
 */
export type RiskDecision = {
  readonly outcome: RiskOutcome;
  readonly reason: ReasonCode | null;
  readonly limit: string | null;
  readonly order: ApprovedOrder | null;
  readonly checks: readonly RiskCheck[];
  /** A state the caller must persist, even when this order is denied for another reason. */
  readonly stateChange?: StateChange;
};
