import type { Hono } from "hono";
import type { SessionStore } from "../../auth/sessions.js";
import { backtestReport } from "../../backtest/service/backtest-report.js";
import { ApiError } from "../errors.js";
import { REPORT_CSP } from "../routes/backtests/get-backtest-report.js";
import { messagePage } from "./pages.js";
import { requireSession, type DashboardEnv } from "./session.js";

/** GET /dashboard/backtests/{id}/report: the REST report, reachable with the session cookie. */
export function registerBacktestReport(app: Hono<DashboardEnv>, store: SessionStore) {
  app.get("/backtests/:id/report", requireSession(store), async (c) => {
    const id = c.req.param("id");
    const nonce = c.get("nonce");
    if (id.length > 64) return c.html(messagePage({ nonce, title: "Not found", message: "No such backtest." }), 404);
    try {
      const report = await backtestReport({ ctx: c.get("services").backtests, input: { id } });
      // The report's own policy: it carries no nonce, only inline styles and data: images.
      return c.html(report, 200, { "content-security-policy": REPORT_CSP });
    } catch (err) {
      if (err instanceof ApiError && (err.code === "NOT_FOUND" || err.code === "CONFLICT")) {
        return c.html(messagePage({ nonce, title: err.code === "NOT_FOUND" ? "Not found" : "No report yet", message: err.detail }), err.status as 404 | 409);
      }
      throw err;
    }
  });
}
