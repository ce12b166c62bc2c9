import type { StoredRequest } from "../../backtest/service/backtest-spec.js";
import type { BacktestMetrics } from "../../backtest/types.js";
import type { BacktestRow } from "../../db/schema/backtests.js";
import { describeStrategy } from "../../strategy/builtin/registry.js";
import { DASH, fixed, outcomeClass, percent, time } from "./format.js";

export const reportPath = (id: string) => `/dashboard/backtests/${encodeURIComponent(id)}/report`;

function strategyOf(request: StoredRequest, names: ReadonlyMap<string, string>): string {
  const named = request.strategyId ? (names.get(request.strategyId) ?? request.strategyId) : null;
  if (request.replay || !request.strategy) return `replay of ${named ?? "a strategy"}`;
  return named ? `${describeStrategy(request.strategy)} (${named})` : describeStrategy(request.strategy);
}

export function BacktestsSection(props: { backtests: BacktestRow[]; names: ReadonlyMap<string, string> }) {
  return (
    <section id="backtests">
      <h2>Recent backtests</h2>
      {props.backtests.length === 0 ? (
        <p class="empty">No backtests yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Created</th>
              <th>Strategy</th>
              <th>Market</th>
              <th>Status</th>
              <th class="num">Return</th>
              <th class="num">Max drawdown</th>
              <th class="num">Sharpe</th>
              <th class="num">Profit factor</th>
              <th class="num">Trades</th>
              <th>Report</th>
            </tr>
          </thead>
          <tbody>
            {props.backtests.map((row) => {
              const request = row.request as StoredRequest;
              const metrics = row.metrics as BacktestMetrics | null;
              return (
                <tr data-backtest={row.id}>
                  <td>
                    {time(row.createdAt)}
                    <div class="muted mono">{row.id}</div>
                  </td>
                  <td>{strategyOf(request, props.names)}</td>
                  <td>
                    {request.symbols.join(", ")} {request.timeframe}
                  </td>
                  <td>
                    <span class={outcomeClass(row.status)}>{row.status}</span>
                    {row.status === "running" ? <span class="muted"> {percent(row.progress, 0)}</span> : null}
                    {row.errorCode ? <div class="muted">{row.errorCode}</div> : null}
                  </td>
                  <td class="num">{percent(metrics?.totalReturn)}</td>
                  <td class="num">{percent(metrics?.maxDrawdown)}</td>
                  <td class="num">{fixed(metrics?.sharpe)}</td>
                  <td class="num">{fixed(metrics?.profitFactor)}</td>
                  <td class="num">{metrics ? metrics.trades : DASH}</td>
                  <td>{row.status === "succeeded" ? <a href={reportPath(row.id)}>report</a> : DASH}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
