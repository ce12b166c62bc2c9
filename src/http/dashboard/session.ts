import { isIP } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Principal } from "../../auth/scopes.js";
import { SESSION_TTL_MS, sessionPrincipal, type Session, type SessionStore } from "../../auth/sessions.js";
import { normalizeAddress } from "../../ingest/source-address.js";
import { randomSecret } from "../../lib/secrets.js";

export const BASE_PATH = "/dashboard";
export const LOGIN_PATH = `${BASE_PATH}/login`;
export const SESSION_COOKIE = "sg_dashboard";

export type DashboardSession = { id: string; session: Session; principal: Principal };
export type DashboardEnv = { Variables: { dashboard: DashboardSession; nonce: string } };

/**
 * Every dashboard response: a fresh nonce for the one inline stylesheet, a CSP that allows nothing
 * else (no script at all, forms only to this origin, no framing), and no caching of account data.
 */
export function pageHeaders(): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const nonce = randomSecret(16);
    c.set("nonce", nonce);
    c.header("content-security-policy", dashboardCsp(nonce));
    c.header("cache-control", "no-store");
    await next();
  };
}

export function dashboardCsp(nonce: string): string {
  return `default-src 'none'; style-src 'nonce-${nonce}'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;
}

/**
 * Browsers say where a request came from: a form posted from another site is refused before the
 * session or the key is even looked at (the CSRF token and SameSite=Strict are the other two locks).
 */
export function refuseCrossSite(): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const site = c.req.header("sec-fetch-site");
    if (c.req.method === "POST" && (site === "cross-site" || site === "same-site")) {
      return c.text("cross-site form posts are refused", 403);
    }
    await next();
  };
}

/** A page that needs a logged-in browser: without a live session, to the login form. */
export function requireSession(store: SessionStore): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const found = await currentSession(c, store);
    if (!found) return c.redirect(LOGIN_PATH, 303);
    c.set("dashboard", found);
    await next();
  };
}

/** The session the cookie names, with its key still valid; a stale cookie is revoked and cleared. */
export async function currentSession(c: Context<DashboardEnv>, store: SessionStore): Promise<DashboardSession | undefined> {
  const id = getCookie(c, SESSION_COOKIE);
  if (!id) return undefined;
  const { auth, clock } = c.get("services");
  const session = store.find(id, clock.now());
  const principal = session ? await sessionPrincipal(auth, session) : undefined;
  if (!session || !principal) {
    store.revoke(id);
    clearSessionCookie(c);
    return undefined;
  }
  return { id, session, principal };
}

export function setSessionCookie(c: Context, id: string): void {
  setCookie(c, SESSION_COOKIE, id, {
    path: BASE_PATH,
    httpOnly: true,
    sameSite: "Strict",
    secure: cameOverHttps(c),
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: BASE_PATH, httpOnly: true, sameSite: "Strict", secure: cameOverHttps(c) });
}

/**
 * https on this socket, or a trusted proxy (TRUSTED_PROXIES) saying the client used https. A proxy
 * not listed there is not believed, and the cookie then goes without Secure.
 */
export function cameOverHttps(c: Context): boolean {
  if (new URL(c.req.url).protocol === "https:") return true;
  const proto = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if (proto !== "https") return false;
  const peer = getConnInfo(c).remote.address;
  if (!peer) return false;
  const address = normalizeAddress(peer);
  const family = isIP(address);
  const { trustedProxies } = c.get("services").intake;
  return family !== 0 && trustedProxies.list.check(address, family === 4 ? "ipv4" : "ipv6");
}
