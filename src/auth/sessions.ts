import { findApiKeyById } from "../db/repositories/api-keys-repository.js";
import { constantTimeEqual, randomSecret, sha256Hex } from "../lib/secrets.js";
import { ENV_ADMIN_KEY_ID, type AuthContext } from "./api-keys.js";
import type { Principal, Scope } from "./scopes.js";

/** What the server keeps about a browser session: the key it was opened with, never the key itself. */
export type Session = {
  readonly keyId: string;
  /** Sent back in every form of the session; a POST without it is refused (CSRF). */
  readonly csrfToken: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
};

export type SessionStore = {
  /** Opens a session; the returned id goes to the browser once and is stored only as its digest. */
  create(principal: Principal, now: Date): { id: string; session: Session };
  /** The live session a presented id names, or undefined (unknown, or expired: then it is dropped). */
  find(id: string, now: Date): Session | undefined;
  revoke(id: string): void;
  readonly size: number;
};

export const SESSION_TTL_MS = 12 * 3_600_000;
export const MAX_SESSIONS = 10_000;

/**
 * Sessions in this process's memory: a restart logs everyone out, and instances behind a load
 * balancer each know only their own (use sticky sessions there). Lookups go by the SHA-256 of the
 * presented id, so a leaked store (a heap dump) holds nothing a browser could present.
 */
export function createSessionStore(options: { ttlMs?: number; maxSessions?: number } = {}): SessionStore {
  const ttlMs = options.ttlMs ?? SESSION_TTL_MS;
  const maxSessions = options.maxSessions ?? MAX_SESSIONS;
  const sessions = new Map<string, Session>();

  function sweep(now: Date) {
    for (const [digest, session] of sessions) if (session.expiresAt <= now) sessions.delete(digest);
    // Still full: the oldest goes (Map keeps insertion order), so a login flood cannot grow memory.
    while (sessions.size >= maxSessions) {
      const oldest = sessions.keys().next();
      if (oldest.done) break;
      sessions.delete(oldest.value);
    }
  }

  return {
    create(principal, now) {
      sweep(now);
      const id = randomSecret(32);
      const session: Session = {
        keyId: principal.keyId,
        csrfToken: randomSecret(32),
        createdAt: now,
        expiresAt: new Date(now.getTime() + ttlMs),
      };
      sessions.set(sha256Hex(id), session);
      return { id, session };
    },
    find(id, now) {
      const digest = sha256Hex(id);
      const session = sessions.get(digest);
      if (!session) return undefined;
      if (session.expiresAt <= now) {
        sessions.delete(digest);
        return undefined;
      }
      return session;
    },
    revoke(id) {
      sessions.delete(sha256Hex(id));
    },
    get size() {
      return sessions.size;
    },
  };
}

/** Constant-time: a form's token is compared like any other secret. */
export function csrfTokenMatches(session: Session, presented: unknown): boolean {
  return typeof presented === "string" && presented.length > 0 && constantTimeEqual(presented, session.csrfToken);
}

/**
 * The principal a session acts as, read afresh on every request: a key revoked (or re-scoped) since
 * the login takes effect at once, as it does for bearer requests.
 */
export async function sessionPrincipal(ctx: AuthContext, session: Session): Promise<Principal | undefined> {
  if (session.keyId === ENV_ADMIN_KEY_ID) {
    // API_KEY is fixed for the life of the process, as are these in-memory sessions.
    return ctx.envAdminKeyHash ? { keyId: ENV_ADMIN_KEY_ID, name: "API_KEY", scopes: ["admin"] } : undefined;
  }
  const row = await findApiKeyById(ctx.db, session.keyId);
  if (!row || row.revokedAt) return undefined;
  return { keyId: row.id, name: row.name, scopes: row.scopes as Scope[] };
}
