import { ApiError } from "../http/errors.js";
import type { IntakeMetrics, SignalSourceLabel } from "./port.js";

/**
 * Runs one intake and counts its outcome: accepted, duplicate, or rejected with the stored reason
 * (the problem's `reason`), else the problem code of a refusal before storing (UNAUTHORIZED,
 * NOT_FOUND for an unknown token, RATE_LIMITED, SERVICE_UNAVAILABLE when the ledger is down).
 */
export async function countDelivery<T extends { duplicate: boolean }>(
  metrics: IntakeMetrics,
  source: SignalSourceLabel,
  receive: () => Promise<T>,
): Promise<T> {
  try {
    const receipt = await receive();
    metrics.signalReceived(source, receipt.duplicate ? "duplicate" : "accepted");
    return receipt;
  } catch (err) {
    metrics.signalReceived(source, "rejected", reasonOf(err));
    throw err;
  }
}

function reasonOf(err: unknown): string {
  if (!(err instanceof ApiError)) return "INTERNAL";
  const reason = err.extensions.reason;
  return typeof reason === "string" ? reason : err.code;
}
