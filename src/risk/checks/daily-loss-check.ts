import { plain, ZERO, type Dec } from "../../domain/decimal.js";
import { limitText, type RiskLimits } from "../limits.js";
import { isAllowed, isTradingState, stateRank, type TradingStates } from "../trading-state.js";
import type { StateChange } from "../types.js";
import { startOfUtcDay } from "../values.js";
import { deny, pass, type CheckResult } from "./check.js";

export type DailyLossInput = {
  readonly dailyPnl: Dec;
  readonly dailyPnlSince: number;
  readonly startOfDayEquity: Dec;
  readonly now: number;
  readonly limits: RiskLimits;
};

type Status = { readonly kind: "off" } | { readonly kind: "unknown"; readonly detail: string; readonly reason: "DAILY_PNL_STALE" | "EQUITY_NOT_POSITIVE" } | { readonly kind: "known"; readonly crossed: boolean; readonly detail: string };

// The engine asks twice per order (the state change, then the rule) with one input object: the
// status, a few decimal divisions and texts, is worked out once for it.
let lastInput: DailyLossInput | undefined;
let lastStatus: Status = { kind: "off" };

function dailyLossStatus(x: DailyLossInput): Status {
  if (x !== lastInput) {
    lastStatus = statusOf(x);
    lastInput = x;
  }
  return lastStatus;
}

/** loss × 100 ≥ start-of-day equity × percent: crossing includes reaching the limit exactly. */
function statusOf(x: DailyLossInput): Status {
  const percent = x.limits.maxDailyLossPercent;
  if (percent === null) return { kind: "off" };
  if (x.dailyPnlSince !== startOfUtcDay(x.now)) {
    return { kind: "unknown", reason: "DAILY_PNL_STALE", detail: `daily PnL covers since ${new Date(x.dailyPnlSince).toISOString()}, not since 00:00 UTC today` };
  }
  if (x.startOfDayEquity.lte(0)) return { kind: "unknown", reason: "EQUITY_NOT_POSITIVE", detail: `start-of-day equity ${plain(x.startOfDayEquity)}: no loss percent is measurable` };
  const loss = x.dailyPnl.isNeg() ? x.dailyPnl.neg() : ZERO;
  const lossPercent = loss.div(x.startOfDayEquity).mul(100).toDecimalPlaces(4).toFixed();
  return { kind: "known", crossed: loss.mul(100).gte(x.startOfDayEquity.mul(percent)), detail: `daily loss ${plain(loss)} is ${lossPercent}% of ${plain(x.startOfDayEquity)}` };
}

/**
 * Past the daily loss limit the account moves to the configured state: non-reducing orders are
 * denied, and reducing ones too when that state is HALTED. A PnL figure that cannot be trusted is
 * treated as a crossed limit, minus the state change, which only a measured loss may cause.
 */
export function checkDailyLoss(x: DailyLossInput, reduces: boolean): CheckResult {
  const status = dailyLossStatus(x);
  if (status.kind === "off") return pass("maxDailyLossPercent off");
  const limit = limitText("maxDailyLossPercent", x.limits.maxDailyLossPercent ?? "off");
  const allowedPastLimit = isAllowed(x.limits.dailyLossAction, reduces);
  if (status.kind === "unknown") return allowedPastLimit ? pass(`${status.detail}; the order reduces the position`) : deny(status.reason, limit, status.detail);
  if (!status.crossed) return pass(status.detail);
  if (allowedPastLimit) return pass(`${status.detail}: limit crossed, the order reduces the position`);
  return deny("DAILY_LOSS_LIMIT", limit, `${status.detail}: limit crossed, account goes ${x.limits.dailyLossAction}`);
}

/** The account state the daily loss calls for, when it is more restrictive than the account's own. */
export function dailyLossStateChange(x: DailyLossInput, states: TradingStates): StateChange | undefined {
  const status = dailyLossStatus(x);
  if (status.kind !== "known" || !status.crossed) return undefined;
  const to = x.limits.dailyLossAction;
  const current: unknown = states.account;
  if (isTradingState(current) && stateRank(current) >= stateRank(to)) return undefined;
  return { scope: "account", to, reason: "DAILY_LOSS_LIMIT" };
}
