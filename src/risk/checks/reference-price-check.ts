import type { Dec } from "../../domain/decimal.js";
import { limitText, type RiskLimits } from "../limits.js";
import { deny, pass, type CheckResult } from "./check.js";

/**
 * Every order needs a fresh reference price: it prices the collar, the notional caps and the
 * market's cost limits. The age counts both ways, since a price stamped in the future means the
 * clocks disagree by more than the window and its age is unknown.
 */
export function checkReferencePrice(referencePrice: Dec | null, observedAt: number | null, now: number, limits: RiskLimits): CheckResult {
  if (referencePrice === null || referencePrice.lte(0)) return deny("REFERENCE_PRICE_MISSING", null, "no positive reference price for the symbol");
  const maxAge = limits.maxReferencePriceAgeMs;
  if (maxAge === null) return pass(`reference price ${referencePrice.toFixed()}; age not limited`);
  const limit = limitText("maxReferencePriceAgeMs", maxAge);
  if (observedAt === null) return deny("REFERENCE_PRICE_STALE", limit, "the reference price has no observation time, so its age is unknown");
  const age = now - observedAt;
  if (Math.abs(age) > maxAge) return deny("REFERENCE_PRICE_STALE", limit, `the reference price is ${age} ms old`);
  return pass(`reference price ${referencePrice.toFixed()}, ${age} ms old`);
}
