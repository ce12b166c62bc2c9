/**
 * queued → running → succeeded; or cancelled (before or while running), failed (an error, a crash of
 * the worker or of the gateway), timed_out (past its timeout).
 */
export const BACKTEST_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled", "timed_out"] as const;
export type BacktestStatus = (typeof BACKTEST_STATUSES)[number];

/**
 * Why a backtest failed, as stored in `error_code`. ENGINE_ERROR: the engine refused or threw.
 * WORKER_CRASHED: the worker thread died (out of memory, for instance). INTERRUPTED: the gateway
 * stopped running it without a clean shutdown. CANDLES_MISSING: the candles went away after it was
 * queued. INTERNAL: anything else; the cause is in the gateway's log.
 */
export const BACKTEST_ERROR_CODES = ["ENGINE_ERROR", "WORKER_CRASHED", "INTERRUPTED", "CANDLES_MISSING", "INTERNAL"] as const;
export type BacktestErrorCode = (typeof BACKTEST_ERROR_CODES)[number];
