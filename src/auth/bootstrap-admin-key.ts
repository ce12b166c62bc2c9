import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { deleteApiKey, findApiKeyById, insertApiKey } from "../db/repositories/api-keys-repository.js";
import type { Logger } from "../lib/logger.js";
import { sha256Hex } from "../lib/secrets.js";
import { newApiKeySecret, type AuthContext } from "./api-keys.js";

export const BOOTSTRAP_ADMIN_KEY_ID = "key_bootstrap_admin";
export const ADMIN_KEY_FILE = "admin-api-key";

/**
 * Without API_KEY, the first start creates an admin key so a newcomer is never locked out. Only its
 * digest is stored; the key itself goes to a 0600 file whose path (never the key) is logged.
 */
export async function ensureBootstrapAdminKey(
  ctx: AuthContext,
  options: { dataDir: string; apiKeySet: boolean; logger: Logger },
): Promise<void> {
  const { logger } = options;
  const file = resolve(options.dataDir, ADMIN_KEY_FILE);
  if (options.apiKeySet) {
    logger.info("admin API key taken from API_KEY");
    return;
  }
  const existing = await findApiKeyById(ctx.db, BOOTSTRAP_ADMIN_KEY_ID);
  if (existing) {
    if (existsSync(file)) logger.info({ file }, "admin API key is in this file");
    else logger.warn({ file }, "generated admin API key file is missing; set API_KEY to regain admin access");
    return;
  }
  const key = newApiKeySecret();
  const inserted = await insertApiKey(ctx.db, {
    id: BOOTSTRAP_ADMIN_KEY_ID,
    name: "generated admin key",
    keyHash: sha256Hex(key),
    scopes: ["admin"],
    createdAt: ctx.clock.now(),
    revokedAt: null,
  });
  if (!inserted) return; // another instance sharing this database generated it first
  try {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    chmodSync(file, 0o600); // mode above applies only when the file is new
  } catch (err) {
    // A key nobody can read is worse than none: undo, so the next start tries again.
    await deleteApiKey(ctx.db, BOOTSTRAP_ADMIN_KEY_ID);
    throw err;
  }
  logger.info({ file }, "generated an admin API key; it is in this file (mode 0600)");
}
