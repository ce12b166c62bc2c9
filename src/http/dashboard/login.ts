import { getConnInfo } from "@hono/node-server/conninfo";
import type { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { authenticateApiKey } from "../../auth/api-keys.js";
import { csrfTokenMatches, type SessionStore } from "../../auth/sessions.js";
import { resolveSourceAddress } from "../../ingest/source-address.js";
import { loginPage, messagePage } from "./pages.js";
import { BASE_PATH, clearSessionCookie, currentSession, LOGIN_PATH, SESSION_COOKIE, setSessionCookie, type DashboardEnv } from "./session.js";

// What the bearer middleware accepts, so a key works in both places or in neither.
const KEY_FORMAT = /^[\x21-\x7e]{1,512}$/;

/**
 * GET and POST /dashboard/login, POST /dashboard/logout. A login is checked like a bearer request
 * (the api-keys service, digest lookup, constant-time compare) and shares the webhooks' per-address
 * limiter: each attempt spends from the address budget, each wrong key counts toward its lockout.
 */
export function registerLogin(app: Hono<DashboardEnv>, store: SessionStore) {
  app.get("/login", async (c) => {
    if (await currentSession(c, store)) return c.redirect(BASE_PATH, 303);
    return c.html(loginPage({ nonce: c.get("nonce") }), 200);
  });

  app.post("/login", async (c) => {
    const { auth, clock, intake, logger } = c.get("services");
    const nonce = c.get("nonce");
    const address = resolveSourceAddress(getConnInfo(c).remote.address, c.req.header("x-forwarded-for"), intake.trustedProxies) ?? "unknown";
    const admission = await intake.guard.admit({ address });
    if (!admission.ok) {
      const error = `Too many attempts from this address; try again in ${admission.retryAfterSeconds} s.`;
      return c.html(loginPage({ nonce, error }), 429, { "retry-after": String(admission.retryAfterSeconds) });
    }
    const form = await c.req.parseBody();
    const key = typeof form.key === "string" ? form.key.trim() : "";
    const principal = KEY_FORMAT.test(key) ? await authenticateApiKey(auth, key) : undefined;
    if (!principal) {
      await intake.guard.recordAuthFailure(address);
      logger.warn({ sourceAddress: address }, "dashboard login with an invalid or revoked API key");
      return c.html(loginPage({ nonce, error: "Invalid or revoked API key." }), 401);
    }
    // A new id on every login: a session id planted before it (fixation) never becomes a live one.
    const previous = getCookie(c, SESSION_COOKIE);
    if (previous) store.revoke(previous);
    const { id } = store.create(principal, clock.now());
    setSessionCookie(c, id);
    logger.info({ keyId: principal.keyId }, "dashboard login");
    return c.redirect(BASE_PATH, 303);
  });

  app.post("/logout", async (c) => {
    const current = await currentSession(c, store);
    if (current) {
      const form = await c.req.parseBody();
      if (!csrfTokenMatches(current.session, form.csrf)) {
        return c.html(messagePage({ nonce: c.get("nonce"), title: "Form expired", message: "Reload the dashboard and try again." }), 403);
      }
      store.revoke(current.id);
    }
    clearSessionCookie(c);
    return c.redirect(LOGIN_PATH, 303);
  });
}
