import type { TradingStateView } from "../../risk/trading-state-store.js";
import type { AccountSummary } from "../../trading/account-queries.js";
import type { OrderWithFills } from "../../trading/order-queries.js";
import type { ValuedPosition } from "../../trading/valuation.js";
import { DASH, outcomeClass, text, time } from "./format.js";

type Names = ReadonlyMap<string, string>;

const strategyLabel = (names: Names, id: string | null) => (id === null ? DASH : (names.get(id) ?? id));

/** The global kill switch: its state, and for admin keys the buttons that change it. */
export function TradingStatePanel(props: { state: TradingStateView; canControl: boolean; csrfToken: string }) {
  const { state } = props;
  return (
    <section id="trading-state">
      <h2>Trading state</h2>
      <p>
        <span id="global-state" class={`state state-${state.state}`}>
          {state.state}
        </span>{" "}
        <span class="muted">
          {state.reason} · set by {state.changedBy ?? "default"} · {time(state.changedAt)}
        </span>
      </p>
      {props.canControl ? (
        <form class="controls" method="post" action="/dashboard/trading-state">
          <input type="hidden" name="csrf" value={props.csrfToken} />
          <input type="text" name="reason" maxlength={500} placeholder="reason (optional)" aria-label="reason" />
          <button type="submit" class="halt" name="state" value="HALTED" disabled={state.state === "HALTED"}>
            Halt
          </button>
          <button type="submit" name="state" value="REDUCING" disabled={state.state === "REDUCING"}>
            Reduce only
          </button>
          <button type="submit" class="resume" name="state" value="ACTIVE" disabled={state.state === "ACTIVE"}>
            Resume
          </button>
        </form>
      ) : (
        <p class="muted" id="kill-switch-note">
          Halting and resuming need an API key with the 'admin' scope.
        </p>
      )}
    </section>
  );
}

export function AccountsSection(props: { accounts: AccountSummary[] }) {
  return (
    <section id="accounts">
      <h2>Accounts</h2>
      {props.accounts.length === 0 ? (
        <p class="empty">No accounts yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Account</th>
              <th>Venue</th>
              <th class="num">Equity</th>
              <th class="num">Cash</th>
              <th class="num">Realized PnL</th>
              <th class="num">Unrealized PnL</th>
              <th class="num">Open positions</th>
              <th>Venue health</th>
            </tr>
          </thead>
          <tbody>
            {props.accounts.map((a) => (
              <tr data-account={a.account.id}>
                <td>
                  {a.account.name} <span class="muted mono">{a.account.id}</span>
                </td>
                <td>{a.account.venue}</td>
                <td class="num" title={a.missingMarks.length ? `no price yet for ${a.missingMarks.join(", ")}` : undefined}>
                  {a.equity ?? DASH} {a.account.currency}
                </td>
                <td class="num">
                  {a.account.cash} {a.account.currency}
                </td>
                <td class="num">{a.realizedPnl}</td>
                <td class="num">{a.unrealizedPnl ?? DASH}</td>
                <td class="num">{a.openPositions}</td>
                <td>{a.venueHealth}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function PositionsSection(props: { positions: ValuedPosition[]; more: boolean; names: Names }) {
  return (
    <section id="positions">
      <h2>Open positions</h2>
      {props.positions.length === 0 ? (
        <p class="empty">No open positions.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Symbol</th>
              <th>Side</th>
              <th class="num">Quantity</th>
              <th class="num">Entry</th>
              <th class="num">Mark</th>
              <th class="num">Unrealized PnL</th>
              <th>Strategy</th>
              <th>Account</th>
              <th>Opened</th>
            </tr>
          </thead>
          <tbody>
            {props.positions.map(({ position, side, markPrice, unrealizedPnl }) => (
              <tr data-position={position.id}>
                <td>{position.symbol}</td>
                <td>{side}</td>
                <td class="num">{position.quantity}</td>
                <td class="num">{position.averageEntryPrice}</td>
                <td class="num">{text(markPrice)}</td>
                <td class="num">{text(unrealizedPnl)}</td>
                <td>{strategyLabel(props.names, position.strategyId)}</td>
                <td class="mono">{position.accountId}</td>
                <td>{time(position.openedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.more ? <p class="muted">More are open: GET /v1/positions?status=open lists them all.</p> : null}
    </section>
  );
}

export function OrdersSection(props: { orders: OrderWithFills[]; names: Names }) {
  return (
    <section id="orders">
      <h2>Recent orders and fills</h2>
      {props.orders.length === 0 ? (
        <p class="empty">No orders yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Created</th>
              <th>Symbol</th>
              <th>Side</th>
              <th>Kind / role</th>
              <th class="num">Quantity</th>
              <th class="num">Price</th>
              <th>Status</th>
              <th>Fills</th>
              <th>Strategy</th>
            </tr>
          </thead>
          <tbody>
            {props.orders.map(({ order, fills }) => (
              <tr data-order={order.id}>
                <td>{time(order.createdAt)}</td>
                <td>{order.symbol}</td>
                <td>{order.side}</td>
                <td>
                  {order.kind} / {order.role}
                </td>
                <td class="num">{order.quantity}</td>
                <td class="num">{order.limitPrice ?? order.stopPrice ?? DASH}</td>
                <td>
                  <span class={outcomeClass(order.status)}>{order.status}</span>
                  {order.rejectReason ? <span class="muted"> {order.rejectReason}</span> : null}
                </td>
                <td>
                  {fills.length === 0 ? (
                    <span class="muted">none</span>
                  ) : (
                    <details>
                      <summary>
                        {order.filledQuantity} @ {order.averageFillPrice ?? DASH}
                      </summary>
                      <ul>
                        {fills.map((f) => (
                          <li>
                            {f.quantity} @ {f.price}, fee {f.fee} ({f.liquidity}), realized {f.realizedPnl}, {time(f.filledAt)}
                          </li>
                        ))}
                      </ul>
                    </details>
                  )}
                </td>
                <td>{strategyLabel(props.names, order.strategyId)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
