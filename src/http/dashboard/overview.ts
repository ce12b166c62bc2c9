import type { Hono } from "hono";
import type { SessionStore } from "../../auth/sessions.js";
import { loadDashboard } from "./dashboard-data.js";
import { dashboardPage } from "./pages.js";
import { requireSession, type DashboardEnv } from "./session.js";

/** GET /dashboard: the whole page, read fresh on every load. */
export function registerOverview(app: Hono<DashboardEnv>, store: SessionStore) {
  app.get("/", requireSession(store), async (c) => {
    const services = c.get("services");
    const { principal, session } = c.get("dashboard");
    const data = await loadDashboard(services);
    return c.html(dashboardPage({ data, principal, csrfToken: session.csrfToken, nonce: c.get("nonce"), now: services.clock.now() }), 200);
  });
}
