import { hasScope, type Principal } from "../../auth/scopes.js";
import { BacktestsSection } from "./backtests-section.js";
import type { DashboardData } from "./dashboard-data.js";
import { Layout, page } from "./layout.js";
import { SignalsSection } from "./signals-section.js";
import { AccountsSection, OrdersSection, PositionsSection, TradingStatePanel } from "./trading-sections.js";

/** Who is logged in, and the logout button (a POST with the session's CSRF token). */
function SessionHeader(props: { principal: Principal; csrfToken: string }) {
  return (
    <>
      <span class="who">
        {props.principal.name} ({props.principal.scopes.join(", ")})
      </span>
      <form method="post" action="/dashboard/logout">
        <input type="hidden" name="csrf" value={props.csrfToken} />
        <button type="submit">Log out</button>
      </form>
    </>
  );
}

export function dashboardPage(props: { data: DashboardData; principal: Principal; csrfToken: string; nonce: string; now: Date }) {
  const { data, principal, csrfToken } = props;
  const names = data.strategyNames;
  return page(
    <Layout title={`${data.tradingState.state} · signal-gateway`} nonce={props.nonce} header={<SessionHeader principal={principal} csrfToken={csrfToken} />}>
      <TradingStatePanel state={data.tradingState} canControl={hasScope(principal, "admin")} csrfToken={csrfToken} />
      <AccountsSection accounts={data.accounts} />
      <PositionsSection positions={data.openPositions.rows} more={data.openPositions.more} names={names} />
      <OrdersSection orders={data.orders} names={names} />
      <SignalsSection signals={data.signals} names={names} />
      <BacktestsSection backtests={data.backtests} names={names} />
      <p class="muted">Rendered {props.now.toISOString()}; reload for newer data.</p>
    </Layout>,
  );
}

export function loginPage(props: { nonce: string; error?: string }) {
  return page(
    <Layout title="Log in · signal-gateway" nonce={props.nonce}>
      <section class="login">
        <h2>Dashboard</h2>
        <form method="post" action="/dashboard/login">
          <label for="key">API key</label>
          <input id="key" type="password" name="key" autocomplete="current-password" required autofocus />
          {props.error ? (
            <p class="error" id="login-error" role="alert">
              {props.error}
            </p>
          ) : null}
          <button type="submit">Log in</button>
        </form>
        <p class="muted">Any API key works: a read key sees the page, the kill switch needs an admin key.</p>
      </section>
    </Layout>,
  );
}

/** A short page for refusals and missing things, with the way back. */
export function messagePage(props: { nonce: string; title: string; message: string }) {
  return page(
    <Layout title={`${props.title} · signal-gateway`} nonce={props.nonce}>
      <section>
        <h2>{props.title}</h2>
        <p id="message">{props.message}</p>
        <p>
          <a href="/dashboard">Back to the dashboard</a>
        </p>
      </section>
    </Layout>,
  );
}
