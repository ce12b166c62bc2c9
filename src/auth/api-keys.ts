import type { Db } from "../db/client.js";
import {
  findApiKeyByHash,
  findApiKeyById,
  insertApiKey,
  listApiKeyRows,
  markApiKeyRevoked,
} from "../db/repositories/api-keys-repository.js";
import type { ApiKeyRow } from "../db/schema/api-keys.js";
import { ApiError } from "../http/errors.js";
import type { Clock } from "../lib/clock.js";
import type { IdSource } from "../lib/ids.js";
import { constantTimeEqual, randomSecret, sha256Hex } from "../lib/secrets.js";
import type { Principal, Scope } from "./scopes.js";

export type AuthContext = {
  db: Db;
  clock: Clock;
  ids: IdSource;
  /** Digest of API_KEY when the operator set one: it is the admin key and lives only in memory. */
  envAdminKeyHash: string | undefined;
};

export const ENV_ADMIN_KEY_ID = "key_env_admin";
export const KEY_PREFIX = "sg_";

export type ApiKeyView = {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  revokedAt: string | null;
};

export function newApiKeySecret(): string {
  return `${KEY_PREFIX}${randomSecret(32)}`;
}

export function toApiKeyView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes as Scope[],
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Resolves a presented bearer key to a principal, or undefined. Keys are looked up by the SHA-256 of
 * what was presented: the index compares digests of attacker input, which tells an attacker nothing
 * about any stored key, and the final check is constant-time.
 */
export async function authenticateApiKey(ctx: AuthContext, presented: string): Promise<Principal | undefined> {
  const digest = sha256Hex(presented);
  if (ctx.envAdminKeyHash && constantTimeEqual(digest, ctx.envAdminKeyHash)) {
    return { keyId: ENV_ADMIN_KEY_ID, name: "API_KEY", scopes: ["admin"] };
  }
  if (!presented.startsWith(KEY_PREFIX)) return undefined;
  const row = await findApiKeyByHash(ctx.db, digest);
  if (!row || !constantTimeEqual(digest, row.keyHash) || row.revokedAt) return undefined;
  return { keyId: row.id, name: row.name, scopes: row.scopes as Scope[] };
}

export async function createApiKey({
  ctx,
  input,
}: {
  ctx: AuthContext;
  input: { name: string; scopes: Scope[] };
}): Promise<{ key: string; apiKey: ApiKeyView }> {
  const key = newApiKeySecret();
  const row: ApiKeyRow = {
    id: ctx.ids.next("key"),
    name: input.name,
    keyHash: sha256Hex(key),
    scopes: [...new Set(input.scopes)],
    createdAt: ctx.clock.now(),
    revokedAt: null,
  };
  await insertApiKey(ctx.db, row);
  return { key, apiKey: toApiKeyView(row) };
}

export async function listApiKeys({ ctx }: { ctx: AuthContext }): Promise<ApiKeyView[]> {
  return (await listApiKeyRows(ctx.db)).map(toApiKeyView);
}

export async function revokeApiKey({
  ctx,
  input,
}: {
  ctx: AuthContext;
  input: { id: string; actor: Principal };
}): Promise<ApiKeyView> {
  if (input.id === input.actor.keyId) {
    throw new ApiError("CONFLICT", "a key cannot revoke itself; revoke it with another admin key");
  }
  const existing = await findApiKeyById(ctx.db, input.id);
  if (!existing) throw new ApiError("NOT_FOUND", `no API key with id ${input.id}`);
  if (existing.revokedAt) return toApiKeyView(existing);
  const revoked = await markApiKeyRevoked(ctx.db, input.id, ctx.clock.now());
  return toApiKeyView(revoked ?? existing);
}
