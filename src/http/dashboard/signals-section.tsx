import type { SignalTraceRows } from "../../db/repositories/trace-repository.js";
import type { SignalRow } from "../../db/schema/signals.js";
import type { CanonicalSignal } from "../../domain/signal.js";
import type { SignalWithTrace } from "./dashboard-data.js";
import { DASH, outcomeClass, text, time } from "./format.js";

type StoredCheck = { rule?: string; passed?: boolean; reason?: string | null; detail?: string };
type StoredResult = { outcome?: string; reason?: string | null; detail?: string };

/** What became of a signal, in one word: the ledger status until processed, then the handler's outcome. */
export function signalOutcome(row: SignalRow): { outcome: string; reason: string | null } {
  if (row.status === "rejected") return { outcome: "REJECTED", reason: row.rejectCode };
  const result = row.result as StoredResult | null;
  if (row.status === "processed" && result?.outcome) return { outcome: result.outcome, reason: result.reason ?? null };
  return { outcome: row.status, reason: null };
}

/** "1 decision, 1 order, 1 fill": the summary line of the expandable trace. */
function traceSummary(trace: SignalTraceRows): string {
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return [count(trace.decisions.length, "decision"), count(trace.orders.length, "order"), count(trace.fills.length, "fill")].join(", ");
}

function Trace(props: { row: SignalRow; trace: SignalTraceRows | null }) {
  const { row, trace } = props;
  const signal = row.signal as CanonicalSignal | null;
  const result = row.result as StoredResult | null;
  return (
    <details>
      <summary>{trace ? traceSummary(trace) : row.status === "rejected" ? "why it was rejected" : "not processed yet"}</summary>
      <ul>
        {row.rejectReason ? (
          <li>
            rejected: {row.rejectReason}
            {row.rejectDetail ? ` (${row.rejectDetail})` : ""}
          </li>
        ) : null}
        {signal ? (
          <li>
            intent: {signal.intent.action}
            {"side" in signal.intent && signal.intent.side ? ` ${signal.intent.side}` : ""}
            {signal.quantity ? `, ${signal.quantity.value} ${signal.quantity.unit}` : ""}
            {signal.referencePrice ? `, reference ${signal.referencePrice}` : ""}
          </li>
        ) : null}
        {result?.detail ? <li>detail: {result.detail}</li> : null}
        {trace?.decisions.map((d) => {
          const failed = (Array.isArray(d.checks) ? (d.checks as StoredCheck[]) : []).find((c) => c.passed === false);
          return (
            <li>
              leg {d.leg}: <span class={outcomeClass(d.outcome)}>{d.outcome}</span>
              {d.reason ? ` ${d.reason}` : ""}
              {d.limitText ? ` (limit ${d.limitText})` : ""}
              {failed?.detail ? `: ${failed.detail}` : ""}
            </li>
          );
        })}
        {trace?.orders.map((o) => (
          <li>
            order {o.role} {o.side} {o.kind} {o.quantity}: <span class={outcomeClass(o.status)}>{o.status}</span>
            {o.averageFillPrice ? `, ${o.filledQuantity} @ ${o.averageFillPrice}` : ""}
          </li>
        ))}
        {trace?.positions.map((p) => (
          <li>
            position {p.symbol}: {p.quantity} @ {p.averageEntryPrice}, {p.status}
          </li>
        ))}
        {row.notes.map((note) => (
          <li class="muted">note: {note}</li>
        ))}
      </ul>
    </details>
  );
}

export function SignalsSection(props: { signals: SignalWithTrace[]; names: ReadonlyMap<string, string> }) {
  return (
    <section id="signals">
      <h2>Recent signals</h2>
      {props.signals.length === 0 ? (
        <p class="empty">No signals yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Received</th>
              <th>Strategy</th>
              <th>Source</th>
              <th>Symbol</th>
              <th>Outcome</th>
              <th>Decision trace</th>
            </tr>
          </thead>
          <tbody>
            {props.signals.map(({ row, trace }) => {
              const { outcome, reason } = signalOutcome(row);
              const comment = (row.signal as CanonicalSignal | null)?.comment;
              return (
                <tr data-signal={row.id}>
                  <td>
                    {time(row.receivedAt)}
                    <div class="muted mono">{row.id}</div>
                  </td>
                  <td>{props.names.get(row.strategyId) ?? row.strategyId}</td>
                  <td>{row.source}</td>
                  <td>
                    <span class="symbol">{text(row.symbol)}</span>
                    {comment ? <div class="muted comment">{comment}</div> : null}
                  </td>
                  <td>
                    <span class={`signal-outcome ${outcomeClass(outcome)}`}>{outcome}</span>
                    {reason ? <div class="muted">{reason}</div> : null}
                  </td>
                  <td>{trace || row.rejectReason ? <Trace row={row} trace={trace} /> : DASH}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
