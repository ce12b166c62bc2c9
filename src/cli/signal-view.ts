import { renderFields, renderTable, shortTime } from "./table.js";

/** The parts of the API's Signal and SignalTrace the CLI shows. */
export type Signal = {
  id: string;
  strategyId: string;
  source: string;
  status: string;
  symbol: string | null;
  signal: {
    intent: { action: string; side?: string; size?: string };
    quantity?: { value: string; unit: string };
    orderType?: string;
    limitPrice?: string;
    referencePrice?: string;
  } | null;
  rejection: { code: string; reason: string; detail: string } | null;
  notes: string[];
  format: string | null;
  alertId: string | null;
  receivedAt: string;
  processedAt: string | null;
  attempts: number;
  result: Record<string, unknown> | null;
};

type Fill = { id: string; quantity: string; price: string; fee: string; realizedPnl: string; at: string };
export type SignalTrace = {
  decisions: Array<{ leg: number; outcome: string; reason: string | null; limit: string | null; orderId: string | null; at: string }>;
  orders: Array<{
    id: string;
    leg: number;
    role: string;
    side: string;
    kind: string;
    quantity: string;
    limitPrice: string | null;
    status: string;
    filledQuantity: string;
    averageFillPrice: string | null;
    fills: Fill[];
  }>;
  positions: Array<{ id: string; symbol: string; quantity: string; averageEntryPrice: string; realizedPnl: string; fees: string; status: string }>;
};

/** "reverse long 0.001 @ 100000", "target flat", "close" — the intent in a few words. */
export function describeIntent(s: Signal): string {
  if (!s.signal) return "-";
  const { intent, quantity, orderType, limitPrice, referencePrice } = s.signal;
  const parts = [intent.action, intent.side ?? "", intent.size ?? ""];
  if (quantity) parts.push(quantity.unit === "base" ? quantity.value : `${quantity.value} ${quantity.unit}`);
  if (orderType === "limit" && limitPrice) parts.push(`limit ${limitPrice}`);
  else if (referencePrice) parts.push(`@ ${referencePrice}`);
  return parts.filter((p) => p !== "").join(" ");
}

/** What became of it: the rejection code, or the processing outcome and its reason. */
export function describeOutcome(s: Signal): string {
  if (s.rejection) return s.rejection.code;
  if (!s.result) return "-";
  const { outcome, reason, error } = s.result as { outcome?: unknown; reason?: unknown; error?: unknown };
  return [outcome ?? error, reason].filter((v) => typeof v === "string" && v !== "").join(" ") || "-";
}

export function signalTable(rows: readonly Signal[]): string {
  return renderTable(rows, [
    { header: "ID", value: (s) => s.id },
    { header: "RECEIVED", value: (s) => shortTime(s.receivedAt) },
    { header: "SYMBOL", value: (s) => s.symbol ?? "-" },
    { header: "STATUS", value: (s) => s.status },
    { header: "SIGNAL", value: describeIntent },
    { header: "OUTCOME", value: describeOutcome },
  ]);
}

/** One signal and its trace: intent → risk decisions → orders with fills → positions. */
export function renderSignalWithTrace(s: Signal & { trace: SignalTrace }): string {
  const fields: Array<readonly [string, string]> = [
    ["Signal", s.id],
    ["Strategy", s.strategyId],
    ["Source", `${s.source}${s.format ? ` (${s.format})` : ""}${s.alertId ? `, alert id ${s.alertId}` : ""}`],
    ["Status", `${s.status}${s.attempts > 1 ? ` after ${s.attempts} attempts` : ""}`],
    ["Received", shortTime(s.receivedAt)],
    ["Processed", shortTime(s.processedAt)],
    ["Symbol", s.symbol ?? "-"],
    ["Intent", describeIntent(s)],
    ["Outcome", describeOutcome(s)],
  ];
  if (s.rejection) fields.push(["Rejected", `${s.rejection.code} ${s.rejection.reason}: ${s.rejection.detail}`]);
  for (const note of s.notes) fields.push(["Note", note]);
  const { decisions, orders, positions } = s.trace;
  const sections = [renderFields(fields)];
  sections.push(
    `\nRisk decisions\n${renderTable(decisions, [
      { header: "LEG", value: (d) => String(d.leg), align: "right" },
      { header: "OUTCOME", value: (d) => d.outcome },
      { header: "REASON", value: (d) => d.reason ?? "-" },
      { header: "LIMIT", value: (d) => d.limit ?? "-" },
      { header: "ORDER", value: (d) => d.orderId ?? "-" },
      { header: "AT", value: (d) => shortTime(d.at) },
    ])}`,
  );
  const fillLines = orders.flatMap((o) => o.fills.map((f) => ({ order: o.id, ...f })));
  sections.push(
    `\nOrders\n${renderTable(orders, [
      { header: "ID", value: (o) => o.id },
      { header: "LEG", value: (o) => String(o.leg), align: "right" },
      { header: "ROLE", value: (o) => o.role },
      { header: "SIDE", value: (o) => o.side },
      { header: "KIND", value: (o) => o.kind },
      { header: "QTY", value: (o) => o.quantity, align: "right" },
      { header: "LIMIT", value: (o) => o.limitPrice ?? "-", align: "right" },
      { header: "STATUS", value: (o) => o.status },
      { header: "FILLED", value: (o) => o.filledQuantity, align: "right" },
      { header: "AVG PRICE", value: (o) => o.averageFillPrice ?? "-", align: "right" },
    ])}`,
  );
  if (fillLines.length > 0) {
    sections.push(
      `\nFills\n${renderTable(fillLines, [
        { header: "ORDER", value: (f) => f.order },
        { header: "QTY", value: (f) => f.quantity, align: "right" },
        { header: "PRICE", value: (f) => f.price, align: "right" },
        { header: "FEE", value: (f) => f.fee, align: "right" },
        { header: "REALIZED", value: (f) => f.realizedPnl, align: "right" },
        { header: "AT", value: (f) => shortTime(f.at) },
      ])}`,
    );
  }
  sections.push(
    `\nPositions\n${renderTable(positions, [
      { header: "ID", value: (p) => p.id },
      { header: "SYMBOL", value: (p) => p.symbol },
      { header: "QTY", value: (p) => p.quantity, align: "right" },
      { header: "ENTRY", value: (p) => p.averageEntryPrice, align: "right" },
      { header: "REALIZED", value: (p) => p.realizedPnl, align: "right" },
      { header: "FEES", value: (p) => p.fees, align: "right" },
      { header: "STATUS", value: (p) => p.status },
    ])}`,
  );
  return sections.join("");
}
