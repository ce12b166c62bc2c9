import { Hono } from "hono";
import { createSessionStore, type SessionStore } from "../../auth/sessions.js";
import { registerBacktestReport } from "./backtest-report.js";
import { registerLogin } from "./login.js";
import { registerOverview } from "./overview.js";
import { pageHeaders, refuseCrossSite, type DashboardEnv } from "./session.js";
import { registerTradingStateForm } from "./trading-state.js";

export { BASE_PATH as DASHBOARD_PATH } from "./session.js";

/**
 * The operator dashboard: server-rendered HTML behind a session cookie, mounted at /dashboard. It is
 * not part of the REST API, so none of it is in the OpenAPI document. Sessions live in `sessions`
 * (this process's memory unless a test passes its own).
 */
export function createDashboard(options: { sessions?: SessionStore } = {}): Hono<DashboardEnv> {
  const sessions = options.sessions ?? createSessionStore();
  const app = new Hono<DashboardEnv>();
  app.use(pageHeaders(), refuseCrossSite());
  registerLogin(app, sessions);
  registerOverview(app, sessions);
  registerTradingStateForm(app, sessions);
  registerBacktestReport(app, sessions);
  return app;
}
