import { findStrategyByTokenHash } from "../db/repositories/strategies-repository.js";
import type { StrategyRow } from "../db/schema/strategies.js";
import { ApiError } from "../http/errors.js";
import { constantTimeEqual, sha256Hex } from "../lib/secrets.js";
import { countDelivery } from "../metrics/count-delivery.js";
import { admitOrThrow, authenticationFailed, ledgerUnavailable } from "./intake-errors.js";
import type { IntakeContext } from "./intake-context.js";
import { commitOrUnavailable, rejectionError } from "./intake-commit.js";
import { lanesOf, StaleStrategyError, withinLedgerTimeout, type DeliveryInput, type DeliveryReceipt, type Rejection } from "./ledger.js";
import { checkOf } from "./strategy-token-cache.js";
import { isTradingViewAddress } from "./source-address.js";
import { strategyRejection } from "./strategy-gate.js";
import { parseTradingViewAlert, type AlertParseResult } from "./tradingview/index.js";

export type TradingViewDelivery = {
  token: string;
  body: string;
  contentType: string | undefined;
  sourceAddress: string | undefined;
};

/**
 * TradingView alert → ledger. Authenticates (token, then source address and passphrase when the
 * strategy asks), parses, and commits: either queued signals, or one rejected row saying why.
 * Throws ApiError for every non-2xx answer; rejected deliveries are committed before the throw.
 */
export async function receiveTradingViewAlert({
  ctx,
  input,
}: {
  ctx: IntakeContext;
  input: TradingViewDelivery;
}): Promise<DeliveryReceipt> {
  return countDelivery(ctx.metrics, "tradingview", () => receive(ctx, input));
}

async function receive(ctx: IntakeContext, input: TradingViewDelivery): Promise<DeliveryReceipt> {
  const address = input.sourceAddress ?? "unknown";
  const tokenHash = sha256Hex(input.token);
  await admitOrThrow(ctx.guard, { address, tokenKey: tokenHash.slice(0, 32) });

  const cached = ctx.strategyCache.get(tokenHash);
  if (cached) {
    const outcome = await receiveFor(ctx, input, cached, true);
    if (outcome !== "stale") return outcome;
    // The strategy changed since it was cached (disabled, rotated, deleted...): decide on a fresh read.
    ctx.strategyCache.forget(tokenHash);
  }
  const strategy = await lookupStrategy(ctx, tokenHash);
  if (!strategy) {
    await ctx.guard.recordAuthFailure(address);
    ctx.logger.warn({ sourceAddress: address }, "tradingview alert with an unknown token");
    // The same answer as any unknown URL: a wrong token is indistinguishable from a wrong path.
    throw new ApiError("NOT_FOUND", "no route for POST /webhooks/tradingview/[redacted]");
  }
  ctx.strategyCache.set(tokenHash, strategy);
  const outcome = await receiveFor(ctx, input, strategy, false);
  if (outcome === "stale") throw new Error("a freshly read strategy was reported stale");
  return outcome;
}

/**
 * The delivery's fate under `strategy`. With a cached strategy, anything that might be an artefact
 * of the cache (a passphrase that no longer matches, a commit that finds the strategy changed) is
 * "stale", and the caller decides again on a fresh read; only that decision counts or is logged.
 */
async function receiveFor(ctx: IntakeContext, input: TradingViewDelivery, strategy: StrategyRow, cached: boolean): Promise<DeliveryReceipt | "stale"> {
  const address = input.sourceAddress ?? "unknown";
  if (ctx.tradingViewAllowlist && !isTradingViewAddress(input.sourceAddress)) {
    await ctx.guard.recordAuthFailure(address);
    ctx.logger.warn({ strategyId: strategy.id, sourceAddress: address }, "tradingview alert from an address not on the allowlist");
    throw authenticationFailed();
  }

  const parsed = parseTradingViewAlert({
    body: input.body,
    contentType: input.contentType,
    ...(strategy.allowedSymbols.length === 1 ? { defaultSymbol: strategy.allowedSymbols[0] } : {}),
  });
  if (strategy.passphraseHash && !carriesPassphrase(parsed, strategy.passphraseHash)) {
    if (cached) return "stale";
    await ctx.guard.recordAuthFailure(address);
    ctx.logger.warn({ strategyId: strategy.id, sourceAddress: address }, "tradingview alert without the strategy's passphrase");
    throw authenticationFailed();
  }

  const rejection = rejectionOf(parsed, strategy);
  const delivery: DeliveryInput = {
    strategyId: strategy.id,
    source: "tradingview",
    rawBody: parsed.sanitizedBody,
    contentType: input.contentType,
    sourceAddress: input.sourceAddress,
    format: parsed.format,
    notes: parsed.outcome.ok ? parsed.outcome.notes : [],
    alertId: parsed.alertId,
    outcome: rejection ? { ok: false, ...rejection } : { ok: true, signals: parsed.outcome.ok ? parsed.outcome.signals : [] },
    ...(rejection ? {} : { dedupe: dedupeKey(ctx, parsed) }),
    ...(cached ? { checked: checkOf(strategy) } : {}),
  };
  let receipt: DeliveryReceipt;
  try {
    receipt = await commitOrUnavailable(ctx, delivery);
  } catch (err) {
    if (err instanceof StaleStrategyError) return "stale";
    throw err;
  }
  if (rejection) throw rejectionError(rejection, receipt);
  if (!receipt.duplicate) ctx.wakeWorkers(lanesOf(strategy.id, delivery));
  return receipt;
}

async function lookupStrategy(ctx: IntakeContext, tokenHash: string): Promise<StrategyRow | undefined> {
  try {
    return await withinLedgerTimeout(ctx, findStrategyByTokenHash(ctx.database, tokenHash));
  } catch (err) {
    ctx.logger.error({ err }, "strategy lookup failed");
    throw ledgerUnavailable();
  }
}

function carriesPassphrase(parsed: AlertParseResult, passphraseHash: string): boolean {
  // Every credential is checked (no early exit), each in constant time.
  let found = false;
  for (const credential of parsed.credentials) {
    if (constantTimeEqual(sha256Hex(credential), passphraseHash)) found = true;
  }
  return found;
}

function rejectionOf(parsed: AlertParseResult, strategy: StrategyRow): Rejection | undefined {
  if (!parsed.outcome.ok) return { code: parsed.outcome.code, reason: parsed.outcome.reason, detail: parsed.outcome.detail };
  return strategyRejection(strategy, parsed.outcome.signals);
}

/** An explicit alert id dedupes forever; otherwise identical bodies within the window are one alert. */
function dedupeKey(ctx: IntakeContext, parsed: AlertParseResult): DeliveryInput["dedupe"] {
  if (parsed.alertId) return { key: `alert:${parsed.alertId}`, expiresAt: null };
  const expiresAt = new Date(ctx.clock.now().getTime() + ctx.dedupeWindowSeconds * 1000);
  return { key: `content:${sha256Hex(parsed.sanitizedBody)}`, expiresAt };
}
