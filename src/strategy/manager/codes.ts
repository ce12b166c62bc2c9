import { z } from "zod";

/**
 * Every code the strategy manager can put on a signal's trace: one closed list, like the risk
 * layer's reason codes, so a stored plan can be grouped and counted by code. Add codes; never rename.
 */
export const PLAN_NOOP_CODES = [
  "NO_POSITION_TO_CLOSE",
  "ALREADY_AT_TARGET",
  "PYRAMIDING_OFF",
  "EXIT_QUANTITY_ZERO",
  "MAX_POSITION_REACHED",
  "ORDER_TYPE_UNSUPPORTED",
  "QUANTITY_UNIT_UNSUPPORTED",
  "REFERENCE_PRICE_MISSING",
  "LIMIT_PRICE_INVALID",
  "PROTECTION_INVALID",
  "SIGNAL_INVALID",
  "POSITION_INVALID",
  "MARKET_RULES_INVALID",
  "CONFIG_INVALID",
  // A bug in the manager itself: nothing is traded on a plan it could not finish.
  "STRATEGY_MANAGER_ERROR",
] as const;

export const PLAN_NOTE_CODES = [
  "PREVIOUS_POSITION_MISMATCH",
  "OPPOSITE_SIGNAL_CLOSES_ONLY",
  "TARGET_SIZE_TRUNCATED",
  "TARGET_SIZE_DIFF",
  "EXIT_CAPPED_AT_POSITION",
  "EXIT_QUANTITY_TRUNCATED",
  "MAX_POSITION_CAPPED",
  "LIMIT_PRICE_FROM_OFFSET",
  "EXIT_AT_MARKET",
  // Added by the signal handler, not the manager: an earlier signal's working entry it cancelled, or
  // (on an exchange account) one the exchange did not cancel when asked, which may still fill.
  "ENTRY_ORDER_CANCELLED_BY_SIGNAL",
  "ENTRY_ORDER_NOT_CANCELLED",
] as const;

export const PLAN_CODES = [...PLAN_NOOP_CODES, ...PLAN_NOTE_CODES] as const;
export type PlanNoopCode = (typeof PLAN_NOOP_CODES)[number];
export type PlanNoteCode = (typeof PLAN_NOTE_CODES)[number];
export type PlanCode = (typeof PLAN_CODES)[number];
export const PlanCodeSchema = z.enum(PLAN_CODES);
