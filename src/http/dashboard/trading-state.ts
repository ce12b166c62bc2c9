import type { Hono } from "hono";
import { hasScope } from "../../auth/scopes.js";
import { csrfTokenMatches, type SessionStore } from "../../auth/sessions.js";
import { TRADING_STATES, type TradingState } from "../../domain/trading-state.js";
import { setTradingState } from "../../trading/set-trading-state.js";
import { messagePage } from "./pages.js";
import { BASE_PATH, requireSession, type DashboardEnv } from "./session.js";

const MAX_REASON = 500;

/**
 * POST /dashboard/trading-state: the kill switch from the page. The same service and the same
 * scope (admin) as PUT /v1/trading-state, with the session's CSRF token; then back to the page.
 */
export function registerTradingStateForm(app: Hono<DashboardEnv>, store: SessionStore) {
  app.post("/trading-state", requireSession(store), async (c) => {
    const { principal, session } = c.get("dashboard");
    const nonce = c.get("nonce");
    const form = await c.req.parseBody();
    if (!csrfTokenMatches(session, form.csrf)) {
      return c.html(messagePage({ nonce, title: "Form expired", message: "The form did not carry this session's token. Reload the dashboard and try again." }), 403);
    }
    if (!hasScope(principal, "admin")) {
      return c.html(messagePage({ nonce, title: "Not allowed", message: "Changing the trading state needs an API key with the 'admin' scope." }), 403);
    }
    const state = form.state;
    if (typeof state !== "string" || !(TRADING_STATES as readonly string[]).includes(state)) {
      return c.html(messagePage({ nonce, title: "Bad request", message: `state must be one of ${TRADING_STATES.join(", ")}` }), 400);
    }
    const reason = typeof form.reason === "string" ? form.reason.trim() : "";
    if (reason.length > MAX_REASON) {
      return c.html(messagePage({ nonce, title: "Bad request", message: `the reason is limited to ${MAX_REASON} characters` }), 400);
    }
    const services = c.get("services");
    await setTradingState({
      ctx: services.trading,
      input: { target: { scope: "global" }, state: state as TradingState, reason: reason || `dashboard: ${state}`, actor: principal.keyId },
    });
    services.logger.info({ keyId: principal.keyId, state }, "trading state set from the dashboard");
    return c.redirect(BASE_PATH, 303);
  });
}
