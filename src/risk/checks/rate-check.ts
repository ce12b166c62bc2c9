import { limitText, type RiskLimits } from "../limits.js";
import { deny, pass, type CheckResult } from "./check.js";

export const RATE_WINDOW_MS = 60_000;

/**
 * At most maxOrdersPerMinute orders per strategy in any trailing 60 s, counting this one. Times
 * after `now` count too: a clock that disagrees must not open a gap in the limit.
 */
export function checkOrderRate(recentOrderTimes: readonly number[], now: number, limits: RiskLimits): CheckResult {
  const max = limits.maxOrdersPerMinute;
  if (max === null) return pass("maxOrdersPerMinute off");
  const inWindow = recentOrderTimes.filter((t) => t > now - RATE_WINDOW_MS).length;
  if (inWindow + 1 > max) return deny("ORDER_RATE_LIMIT", limitText("maxOrdersPerMinute", max), `${inWindow} orders in the last 60 s`);
  return pass(`order ${inWindow + 1} of ${max} in 60 s`);
}
