import type { QuantityCheck } from "../../domain/market.js";
import type { ProtectionRole } from "./stop-limit.js";
import type { VenueAuthReason, VenueFailure, VenueRejectReason, VenueTransientReason } from "./venue-errors.js";

/**
 * Amounts cross this boundary as plain decimal strings. Outgoing values are the domain's exact
 * decimals, checked to survive ccxt's amountToPrecision/priceToPrecision unchanged (ccxt's API takes
 * doubles); incoming ccxt doubles become text through String(n), the shortest round-trip form,
 * which is the venue's own text for anything a venue prints (see numberText).
 */
export type VenueFee = { readonly currency: string; readonly cost: string };

export type VenueOrder = {
  readonly venueOrderId: string;
  readonly clientOrderId: string | undefined;
  readonly symbol: string;
  readonly side: string;
  readonly kind: string;
  /** ccxt's unified status: open, closed, canceled, expired, rejected. */
  readonly status: string;
  readonly amount: string | undefined;
  readonly filled: string;
  readonly remaining: string | undefined;
  readonly price: string | undefined;
  readonly average: string | undefined;
  readonly cost: string | undefined;
  readonly fees: readonly VenueFee[];
  readonly timestamp: number | undefined;
};

export type VenueTrade = {
  readonly id: string;
  readonly venueOrderId: string | undefined;
  readonly symbol: string;
  readonly side: string;
  readonly price: string;
  readonly amount: string;
  readonly cost: string | undefined;
  readonly fee: VenueFee | undefined;
  readonly takerOrMaker: string | undefined;
  readonly timestamp: number | undefined;
};

export type VenueBalance = { readonly free: string; readonly used: string; readonly total: string };

export type SubmitOrderInput = {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly kind: "market" | "limit";
  readonly quantity: string;
  readonly limitPrice?: string | undefined;
  /** The price a market order's notional is checked at; required for market orders. */
  readonly referencePrice?: string | undefined;
  /** Sent to derivative venues only; spot has no reduce-only flag, the risk engine enforces it. */
  readonly reduceOnly?: boolean | undefined;
  /**
   * The caller knows an earlier attempt with this client order id may have reached the venue (an
   * order row found "submitting" after a restart): look it up before anything is sent.
   */
  readonly mayExist?: boolean | undefined;
  /** A native stop-loss or take-profit: the limit order waits at the venue until `price` trades. */
  readonly trigger?: { readonly role: ProtectionRole; readonly price: string } | undefined;
};

/** A stored stop-loss or take-profit sent as a native stop-limit order; the venue sets the limit price. */
export type ProtectionOrderInput = {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly role: ProtectionRole;
  readonly triggerPrice: string;
  readonly quantity: string;
  readonly mayExist?: boolean | undefined;
};

export type DenialReason =
  | Extract<QuantityCheck, { ok: false }>["reason"]
  | "UNKNOWN_MARKET"
  | "NO_REFERENCE_PRICE"
  | "PRICE_OFF_TICK"
  | "PRECISION_MISMATCH";

export type UnavailableReason = "CIRCUIT_OPEN" | VenueTransientReason | VenueAuthReason | "VENUE_UNEXPECTED_ERROR";

export type SubmitResult =
  | {
      readonly status: "accepted";
      readonly order: VenueOrder;
      /** The quantity sent, after truncation to the step. */
      readonly quantity: string;
      readonly truncated: boolean;
      /** Set when the order was found by its client order id instead of being created by this call. */
      readonly recovered?: "lookup" | "duplicate";
      readonly attempts: number;
    }
  | { readonly status: "rejected"; readonly reason: VenueRejectReason; readonly detail: string }
  | { readonly status: "denied"; readonly reason: DenialReason; readonly limit?: string | undefined }
  | { readonly status: "unavailable"; readonly reason: UnavailableReason; readonly detail?: string; readonly retryAfterMs?: number }
  /**
   * The venue may or may not hold the order and the lookup could not tell: nothing more is sent;
   * the order stays unresolved until reconciliation finds it by its client order id.
   */
  | { readonly status: "unknown"; readonly reason: "VENUE_OUTCOME_UNKNOWN"; readonly detail: string };

export type VenueReadError =
  | Exclude<VenueFailure, { kind: "ambiguous" }>
  | { kind: "unavailable"; reason: "CIRCUIT_OPEN"; detail: string };

export type VenueRead<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: VenueReadError };
