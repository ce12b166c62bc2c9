import type { Db } from "../db/client.js";
import {
  findStrategyById,
  insertStrategy,
  listStrategyRows,
  updateStrategyRow,
} from "../db/repositories/strategies-repository.js";
import type { StrategyRow } from "../db/schema/strategies.js";
import { feedProgress } from "../db/repositories/candle-feed-repository.js";
import { rawQuery } from "../db/raw-query.js";
import { PAPER_ACCOUNT_ID } from "./signal-handler.js";
import { accountExists, findAccountRow } from "../db/repositories/accounts-repository.js";
import { ApiError, type FieldError } from "../http/errors.js";
import type { Clock } from "../lib/clock.js";
import type { IdSource } from "../lib/ids.js";
import { randomSecret, sha256Hex } from "../lib/secrets.js";
import { StrategyConfigSchema, type StrategyConfig, type StrategyConfigInput, type StrategyConfigPatch } from "../domain/strategy-config.js";
import { fieldErrors } from "../http/on-error.js";
import { initialStage, recordInitialStage } from "./lifecycle/initial-stage.js";
import { MODE_OF_STAGE, type StrategyStage } from "./lifecycle/stages.js";

export type StrategyContext = { db: Db; clock: Clock; ids: IdSource; publicUrl: string };

export type StrategyView = StrategyConfig & {
  /** GET of one strategy with a candle feed: per symbol, the last candle the feed has passed and the newest stored. */
  candleFeedProgress?: Array<{ symbol: string; timeframe: string; fedThrough: string | null; newestCandle: string | null }>;
  id: string;
  key: string;
  name: string;
  enabled: boolean;
  allowedSymbols: string[];
  stage: StrategyStage;
  passphraseRequired: boolean;
  createdAt: string;
  updatedAt: string;
};

/** A stored configuration, with defaults for anything added since it was written. */
export function configOf(row: StrategyRow): StrategyConfig {
  return StrategyConfigSchema.parse(row.config ?? {});
}

/**
 * Validates a configuration as a whole, so every violation is reported at once; `riskLimits` merges
 * into the current limits, every other field replaces. An `accountId` the change names must exist:
 * a signal on a missing account would only ever be denied, so the mistake is refused here instead.
 */
async function mergeConfig(ctx: StrategyContext, current: StrategyConfigInput, change: StrategyConfigPatch): Promise<StrategyConfig> {
  const merged = { ...current, ...change, riskLimits: { ...current.riskLimits, ...change.riskLimits } };
  const parsed = StrategyConfigSchema.safeParse(merged);
  const accountError = await unknownAccountError(ctx, change.accountId);
  if (!parsed.success) {
    // A malformed configuration is a 400; the unknown account rides along so one round trip fixes both.
    const errors = [...fieldErrors(parsed.error), ...(accountError ? [accountError] : [])];
    throw new ApiError("VALIDATION_FAILED", "the strategy configuration is invalid", { errors });
  }
  if (accountError) {
    throw new ApiError("ACCOUNT_UNKNOWN", `no account with id '${change.accountId}': create it with POST /v1/accounts first`, {
      errors: [accountError],
    });
  }
  if (change.mode !== undefined || change.accountId !== undefined) await checkAccountMatchesMode(ctx, parsed.data);
  return parsed.data;
}

/**
 * A paper strategy's fills are booked by the paper venue on its account, so that account must be a
 * paper one; a live strategy needs an exchange account. Checked when a request sets either field.
 */
async function checkAccountMatchesMode(ctx: StrategyContext, config: StrategyConfig): Promise<void> {
  if (config.mode === "disabled") return;
  const accountId = config.accountId ?? PAPER_ACCOUNT_ID;
  const account = await findAccountRow(ctx.db, accountId);
  if (!account) return;
  const paper = account.venue === "paper";
  if (paper === (config.mode === "paper")) return;
  const detail = paper
    ? `mode "live" needs a live (exchange) account; '${accountId}' is a paper account`
    : `mode "paper" needs a paper account; '${accountId}' is a live account on ${account.venue}`;
  throw new ApiError("ACCOUNT_MODE_MISMATCH", detail, { errors: [{ path: "accountId", message: detail }] });
}

/**
 * Only an account the request itself names is checked, so an unrelated PATCH never fails on it.
 * Accounts are never deleted, so one that exists now still exists when the strategy trades.
 */
async function unknownAccountError(ctx: StrategyContext, accountId: unknown): Promise<FieldError | undefined> {
  if (typeof accountId !== "string" || accountId.length === 0 || accountId.length > 64) return undefined;
  if (await accountExists(ctx.db, accountId)) return undefined;
  return { path: "accountId", message: `no account with id '${accountId}'` };
}

/** Secrets that exist only in the response that created them. */
export type StrategySecrets = { webhookUrl: string; passphrase?: string };

// 256-bit tokens and 160-bit passphrases: far beyond guessing, so a SHA-256 digest is a safe store.
const newWebhookToken = () => randomSecret(32);
const newPassphrase = () => randomSecret(20);

export function webhookUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/webhooks/tradingview/${token}`;
}

export function toStrategyView(row: StrategyRow): StrategyView {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    enabled: row.enabled,
    allowedSymbols: row.allowedSymbols,
    stage: row.stage as StrategyStage,
    ...configOf(row),
    passphraseRequired: row.passphraseHash !== null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function createStrategy({
  ctx,
  input,
}: {
  ctx: StrategyContext;
  input: {
    key: string;
    name: string;
    enabled: boolean;
    allowedSymbols: string[];
    passphrase: boolean;
    config?: StrategyConfigPatch;
    /** Absent: the stage the mode implies (paper by default). */
    stage?: "candidate" | "paper" | undefined;
    /** The API key creating it, for the stage's audit row. */
    actor: string;
  };
}): Promise<{ strategy: StrategyView } & StrategySecrets> {
  const stage = initialStage(input.stage, input.config?.mode);
  if (!stage) {
    const message = `a ${input.stage} strategy's mode is ${MODE_OF_STAGE[input.stage as StrategyStage]}`;
    throw new ApiError("VALIDATION_FAILED", "the mode does not agree with the stage", { errors: [{ path: "mode", message }] });
  }
  const config = await mergeConfig(ctx, {}, { ...input.config, mode: MODE_OF_STAGE[stage] });
  const token = newWebhookToken();
  const passphrase = input.passphrase ? newPassphrase() : undefined;
  const now = ctx.clock.now();
  const row: StrategyRow = {
    id: ctx.ids.next("stg"),
    key: input.key,
    name: input.name,
    enabled: input.enabled,
    allowedSymbols: [...new Set(input.allowedSymbols)],
    webhookTokenHash: sha256Hex(token),
    passphraseHash: passphrase ? sha256Hex(passphrase) : null,
    config,
    stage,
    createdAt: now,
    updatedAt: now,
  };
  // The strategy and its first audit row commit together.
  const inserted = await ctx.db.transaction(async (tx) => {
    if (!(await insertStrategy(tx, row))) return false;
    await recordInitialStage(tx, { strategyId: row.id, stage, mode: config.mode, accountId: config.accountId, actor: input.actor, now });
    return true;
  });
  if (!inserted) {
    throw new ApiError("CONFLICT", `a strategy with key '${input.key}' already exists`);
  }
  return { strategy: toStrategyView(row), webhookUrl: webhookUrl(ctx.publicUrl, token), ...(passphrase ? { passphrase } : {}) };
}

export async function listStrategies({ ctx }: { ctx: StrategyContext }): Promise<StrategyView[]> {
  return (await listStrategyRows(ctx.db)).map(toStrategyView);
}

/** One strategy; with a candle feed, how far the feed has got in each of its symbols. */
export async function getStrategy({ ctx, input }: { ctx: StrategyContext; input: { id: string } }): Promise<StrategyView> {
  const view = toStrategyView(await requireStrategy(ctx, input.id));
  const feed = view.candleFeed;
  if (!feed) return view;
  const progress = await feedProgress(rawQuery(ctx.db), { strategyId: view.id, timeframe: feed.timeframe, symbols: feed.symbols });
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    ...view,
    candleFeedProgress: progress.map((p) => ({ symbol: p.symbol, timeframe: feed.timeframe, fedThrough: iso(p.fedThrough), newestCandle: iso(p.newestCandle) })),
  };
}

export async function updateStrategy({
  ctx,
  input,
}: {
  ctx: StrategyContext;
  input: { id: string; name?: string; enabled?: boolean; allowedSymbols?: string[]; config?: StrategyConfigPatch };
}): Promise<StrategyView> {
  const current = await requireStrategy(ctx, input.id);
  // The mode follows the stage: only POST /v1/strategies/{id}/stage moves both, with an audit row.
  const stageMode = MODE_OF_STAGE[current.stage as StrategyStage];
  if (input.config?.mode !== undefined && input.config.mode !== stageMode) {
    const message = `follows the stage: a ${current.stage} strategy's mode is ${stageMode}`;
    throw new ApiError("CONFLICT", `the mode ${message}; change the stage with POST /v1/strategies/${input.id}/stage`, { errors: [{ path: "mode", message }] });
  }
  const config = input.config ? await mergeConfig(ctx, configOf(current), input.config) : undefined;
  const row = await updateStrategyRow(ctx.db, input.id, {
    ...(config ? { config } : {}),
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    ...(input.allowedSymbols !== undefined ? { allowedSymbols: [...new Set(input.allowedSymbols)] } : {}),
    updatedAt: ctx.clock.now(),
  });
  return toStrategyView(row ?? (await requireStrategy(ctx, input.id)));
}

/** A new webhook URL; the old token stops working at once. */
export async function rotateWebhookToken({
  ctx,
  input,
}: {
  ctx: StrategyContext;
  input: { id: string };
}): Promise<{ strategy: StrategyView; webhookUrl: string }> {
  await requireStrategy(ctx, input.id);
  const token = newWebhookToken();
  const row = await updateStrategyRow(ctx.db, input.id, { webhookTokenHash: sha256Hex(token), updatedAt: ctx.clock.now() });
  return { strategy: toStrategyView(row as StrategyRow), webhookUrl: webhookUrl(ctx.publicUrl, token) };
}

/** A new passphrase (or none, with `remove`); the old one stops working at once. */
export async function rotatePassphrase({
  ctx,
  input,
}: {
  ctx: StrategyContext;
  input: { id: string; remove: boolean };
}): Promise<{ strategy: StrategyView; passphrase?: string }> {
  await requireStrategy(ctx, input.id);
  const passphrase = input.remove ? undefined : newPassphrase();
  const row = await updateStrategyRow(ctx.db, input.id, {
    passphraseHash: passphrase ? sha256Hex(passphrase) : null,
    updatedAt: ctx.clock.now(),
  });
  return { strategy: toStrategyView(row as StrategyRow), ...(passphrase ? { passphrase } : {}) };
}

async function requireStrategy(ctx: StrategyContext, id: string): Promise<StrategyRow> {
  const row = await findStrategyById(ctx.db, id);
  if (!row) throw new ApiError("NOT_FOUND", `no strategy with id ${id}`);
  return row;
}
