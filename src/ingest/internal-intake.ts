import type { z } from "zod";
import { findStrategyById, findStrategyByKey } from "../db/repositories/strategies-repository.js";
import type { StrategyRow } from "../db/schema/strategies.js";
import { CanonicalSignalSchema, type CanonicalSignal } from "../domain/signal.js";
import { ApiError } from "../http/errors.js";
import { nulFound } from "../http/middleware/reject-nul.js";
import { fieldErrors } from "../http/on-error.js";
import { countDelivery } from "../metrics/count-delivery.js";
import { admitOrThrow, authenticationFailed, ledgerUnavailable } from "./intake-errors.js";
import type { IntakeContext } from "./intake-context.js";
import { lanesOf, withinLedgerTimeout, type DeliveryInput, type DeliveryReceipt, type Rejection } from "./ledger.js";
import { verifyStandardWebhook } from "./standard-webhooks.js";
import { strategyRejection } from "./strategy-gate.js";
import { redactSecrets } from "./tradingview/index.js";
import { commitOrUnavailable, rejectionError } from "./intake-commit.js";

export type InternalDelivery = {
  body: string;
  contentType: string | undefined;
  sourceAddress: string | undefined;
  /** Set when an API key authenticated the request; otherwise the Standard Webhooks headers must. */
  apiKeyId: string | undefined;
  headers: { id?: string; timestamp?: string; signature?: string; idempotencyKey?: string };
};

/**
 * Internal signal → ledger. The body is the canonical signal plus `strategy` (key or id).
 * Signed deliveries dedupe on webhook-id: a retry (same id, new timestamp) is a duplicate, while a
 * byte-for-byte replay of a signed request (same id and timestamp) is refused as a replay.
 */
export async function receiveInternalSignal({ ctx, input }: { ctx: IntakeContext; input: InternalDelivery }): Promise<DeliveryReceipt> {
  return countDelivery(ctx.metrics, "internal", () => receive(ctx, input));
}

async function receive(ctx: IntakeContext, input: InternalDelivery): Promise<DeliveryReceipt> {
  const address = input.sourceAddress ?? "unknown";
  await admitOrThrow(ctx.guard, { address });
  const webhook = input.apiKeyId ? undefined : await verifySignature(ctx, input, address);

  const json = parseJson(input.body);
  const strategy = await resolveStrategy(ctx, json);
  const parsed = CanonicalSignalSchema.safeParse(withoutStrategy(json));
  const rejection = parsed.success ? strategyRejection(strategy, [parsed.data]) : schemaRejection(parsed.error);
  const delivery: DeliveryInput = {
    strategyId: strategy.id,
    source: "internal",
    rawBody: redactSecrets(input.body),
    contentType: input.contentType,
    sourceAddress: input.sourceAddress,
    format: "json",
    notes: [],
    alertId: parsed.success ? parsed.data.alertId : undefined,
    ...(webhook ? { webhook } : {}),
    outcome: rejection || !parsed.success ? { ok: false, ...(rejection as Rejection) } : { ok: true, signals: [parsed.data] },
    ...(rejection ? {} : { dedupe: dedupeKey(webhook, input.headers.idempotencyKey, parsed.success ? parsed.data : undefined) }),
  };
  const receipt = await commitOrUnavailable(ctx, delivery);
  if (rejection) {
    const error = rejectionError(rejection, receipt);
    if (!parsed.success) throw new ApiError("VALIDATION_FAILED", rejection.detail, { errors: fieldErrors(parsed.error), extensions: error.extensions });
    throw error;
  }
  if (receipt.duplicate && webhook && receipt.webhookTimestamp?.getTime() === webhook.timestamp.getTime()) {
    await ctx.guard.recordAuthFailure(address);
    ctx.logger.warn({ webhookId: webhook.id, sourceAddress: address }, "replayed internal signal refused");
    throw authenticationFailed();
  }
  if (!receipt.duplicate) ctx.wakeWorkers(lanesOf(delivery.strategyId, delivery));
  return receipt;
}

async function verifySignature(ctx: IntakeContext, input: InternalDelivery, address: string) {
  const verified = verifyStandardWebhook({ ...input.headers, body: input.body, secrets: ctx.webhookSecrets, now: ctx.clock.now() });
  if (!verified.ok) {
    await ctx.guard.recordAuthFailure(address);
    ctx.logger.warn({ failure: verified.failure, sourceAddress: address }, "internal signal failed signature verification");
    throw authenticationFailed();
  }
  return { id: verified.id, timestamp: verified.timestamp };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new ApiError("MALFORMED_SIGNAL", "the body is not valid JSON", { extensions: { reason: "UNPARSEABLE_BODY" } });
  }
}

async function resolveStrategy(ctx: IntakeContext, json: unknown): Promise<StrategyRow> {
  const ref = typeof json === "object" && json !== null ? (json as Record<string, unknown>).strategy : undefined;
  if (typeof ref !== "string" || ref.length === 0 || ref.length > 100) {
    throw new ApiError("VALIDATION_FAILED", "the body must name its strategy", {
      errors: [{ path: "strategy", message: "a strategy key or id is required" }],
    });
  }
  // PostgreSQL text cannot hold U+0000: no strategy is named so, and the lookup would fail as if the
  // database were down (a 503 its sender retries forever).
  if (ref.includes("\u0000")) throw nulFound("strategy");
  let strategy: StrategyRow | undefined;
  try {
    strategy = await withinLedgerTimeout(ctx, ref.startsWith("stg_") ? findStrategyById(ctx.db, ref) : findStrategyByKey(ctx.db, ref));
  } catch (err) {
    ctx.logger.error({ err }, "strategy lookup failed");
    throw ledgerUnavailable();
  }
  if (!strategy) {
    throw new ApiError("SIGNAL_REJECTED", `no strategy '${ref}'`, { extensions: { reason: "STRATEGY_UNKNOWN" } });
  }
  return strategy;
}

function withoutStrategy(json: unknown): unknown {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return json;
  const { strategy: _strategy, ...rest } = json as Record<string, unknown>;
  return rest;
}

function schemaRejection(error: z.ZodError): Rejection {
  const first = fieldErrors(error)[0];
  return { code: "VALIDATION_FAILED", reason: "SCHEMA_INVALID", detail: `the signal does not match the schema${first ? `: ${first.path} ${first.message}` : ""}` };
}

function dedupeKey(
  webhook: { id: string } | undefined,
  idempotencyKey: string | undefined,
  signal: CanonicalSignal | undefined,
): DeliveryInput["dedupe"] {
  if (webhook) return { key: `webhook:${webhook.id}`, expiresAt: null };
  if (idempotencyKey) return { key: `idempotency:${idempotencyKey}`, expiresAt: null };
  if (signal?.alertId) return { key: `alert:${signal.alertId}`, expiresAt: null };
  return undefined;
}
