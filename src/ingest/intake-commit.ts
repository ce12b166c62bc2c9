import { ApiError, type ErrorCode } from "../http/errors.js";
import type { IntakeContext } from "./intake-context.js";
import { ledgerUnavailable } from "./intake-errors.js";
import { commitDelivery, StaleStrategyError, type DeliveryInput, type DeliveryReceipt, type Rejection } from "./ledger.js";

/**
 * Commits a delivery; any failure to do so is a 503, never a 2xx and never a bare 500. A stale
 * strategy is not a failure: it goes back to the intake, which decides again.
 */
export async function commitOrUnavailable(ctx: IntakeContext, delivery: DeliveryInput): Promise<DeliveryReceipt> {
  try {
    return await commitDelivery({ ctx, input: delivery });
  } catch (err) {
    if (err instanceof StaleStrategyError) throw err;
    ctx.logger.error({ err, strategyId: delivery.strategyId }, "could not commit a signal delivery");
    throw ledgerUnavailable();
  }
}

/** The answer for a delivery stored as rejected: its problem code, with `reason` and the stored id. */
export function rejectionError(rejection: Rejection, receipt: DeliveryReceipt): ApiError {
  return new ApiError(rejection.code as ErrorCode, rejection.detail, {
    extensions: { reason: rejection.reason, signalId: receipt.signals[0]?.id },
  });
}
