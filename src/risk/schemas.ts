import { Dec } from "../domain/decimal.js";
import { DECIMAL, decimalString } from "../domain/signal.js";

// zod runs every refinement even after an earlier one failed, so each re-checks the text before
// handing it to Dec, which throws on anything that is not a number.
const isDecimal = (v: string) => DECIMAL.test(v);

/** Decimal text above zero: a limit or size of 0 means nothing useful, `null` is how one is switched off. */
export const positiveDecimal = decimalString.refine((v) => isDecimal(v) && new Dec(v).gt(0), { error: "must be greater than 0" });

/** Decimal text in (0, 100]. */
export const percentDecimal = positiveDecimal.refine((v) => isDecimal(v) && new Dec(v).lte(100), { error: "must be at most 100" });
