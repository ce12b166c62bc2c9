import { CliError, integerOption, stringOption } from "../args.js";
import { emit, type Command, type CommandContext } from "../command.js";
import { renderFields, renderTable, shortTime } from "../table.js";

type Position = {
  id: string;
  strategyId: string;
  symbol: string;
  side: string;
  quantity: string;
  averageEntryPrice: string;
  realizedPnl: string;
  fees: string;
  status: string;
  markPrice: string | null;
  markedAt: string | null;
  markSource: string | null;
  unrealizedPnl: string | null;
};
type Order = {
  id: string;
  signalId: string | null;
  symbol: string;
  side: string;
  kind: string;
  role: string;
  quantity: string;
  limitPrice: string | null;
  stopPrice: string | null;
  status: string;
  filledQuantity: string;
  averageFillPrice: string | null;
  createdAt: string;
};
type Page<T> = { data: T[]; nextCursor: string | null };
type TradingState = { scope: string; state: string; reason: string; changedBy: string | null; changedAt: string | null };
type FlattenOutcome = { positionId: string; orderId: string | null; reason: string | null };

/** Working orders: what `--status open` means, as the venue would say it. */
const OPEN_STATUSES = ["new", "submitted", "partially_filled"] as const;
const listQuery = (ctx: CommandContext) => ({ strategy: stringOption(ctx.values, "strategy"), symbol: stringOption(ctx.values, "symbol") });

export const positions: Command = {
  path: ["positions"],
  usage: "positions [--status open|closed] [--strategy <key or id>] [--symbol BTC/USDT] [--limit n]",
  summary: "positions with their mark and PnL, most recently opened first",
  options: { status: { type: "string" }, strategy: { type: "string" }, symbol: { type: "string" }, limit: { type: "string" } },
  maxPositionals: 0,
  run: async (ctx) => {
    const page = await ctx.api().get<Page<Position>>("/v1/positions", {
      ...listQuery(ctx),
      status: stringOption(ctx.values, "status"),
      limit: integerOption(ctx.values, "limit", 1, 500) ?? 50,
    });
    emit(ctx, page, () =>
      renderTable(page.data, [
        { header: "ID", value: (p) => p.id },
        { header: "STRATEGY", value: (p) => p.strategyId },
        { header: "SYMBOL", value: (p) => p.symbol },
        { header: "SIDE", value: (p) => p.side },
        { header: "QTY", value: (p) => p.quantity, align: "right" },
        { header: "ENTRY", value: (p) => p.averageEntryPrice, align: "right" },
        { header: "MARK", value: (p) => p.markPrice ?? "-", align: "right" },
        // How old the mark is and where it came from: a valuation on a days-old alert shows as one.
        { header: "MARKED", value: (p) => (p.markedAt ? `${shortTime(p.markedAt)} ${p.markSource ?? ""}`.trim() : "-") },
        { header: "UNREALIZED", value: (p) => p.unrealizedPnl ?? "-", align: "right" },
        { header: "REALIZED", value: (p) => p.realizedPnl, align: "right" },
        { header: "FEES", value: (p) => p.fees, align: "right" },
        { header: "STATUS", value: (p) => p.status },
      ]),
    );
  },
};

export const orders: Command = {
  path: ["orders"],
  usage: "orders [--status open|new|submitted|partially_filled|filled|cancelled|rejected|expired] [--strategy <key or id>] [--symbol BTC/USDT] [--limit n]",
  summary: "orders, newest first; --status open lists the working ones",
  options: { status: { type: "string" }, strategy: { type: "string" }, symbol: { type: "string" }, limit: { type: "string" } },
  maxPositionals: 0,
  run: async (ctx) => {
    const limit = integerOption(ctx.values, "limit", 1, 500) ?? 50;
    const status = stringOption(ctx.values, "status");
    const statuses = status === "open" ? OPEN_STATUSES : [status];
    // The API filters one status at a time: "open" is three pages merged, newest first.
    const pages = await Promise.all(statuses.map((s) => ctx.api().get<Page<Order>>("/v1/orders", { ...listQuery(ctx), status: s, limit })));
    const data = pages
      .flatMap((p) => p.data)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit);
    const body = statuses.length === 1 ? pages[0] : { data, nextCursor: null };
    emit(ctx, body, () =>
      renderTable(data, [
        { header: "ID", value: (o) => o.id },
        { header: "CREATED", value: (o) => shortTime(o.createdAt) },
        { header: "SYMBOL", value: (o) => o.symbol },
        { header: "ROLE", value: (o) => o.role },
        { header: "SIDE", value: (o) => o.side },
        { header: "KIND", value: (o) => o.kind },
        { header: "QTY", value: (o) => o.quantity, align: "right" },
        { header: "PRICE", value: (o) => o.limitPrice ?? o.stopPrice ?? "-", align: "right" },
        { header: "STATUS", value: (o) => o.status },
        { header: "FILLED", value: (o) => o.filledQuantity, align: "right" },
        { header: "AVG PRICE", value: (o) => o.averageFillPrice ?? "-", align: "right" },
        { header: "SIGNAL", value: (o) => o.signalId ?? "manual" },
      ]),
    );
  },
};

const renderState = (s: TradingState) =>
  renderFields([
    ["Trading state", s.state],
    ["Reason", s.reason],
    ["Changed", s.changedAt ? `${shortTime(s.changedAt)} by ${s.changedBy ?? "-"}` : "never (the default)"],
  ]);

export const state: Command = {
  path: ["state"],
  usage: "state",
  summary: "the global trading state (the kill switch)",
  options: {},
  maxPositionals: 0,
  run: async (ctx) => {
    const current = await ctx.api().get<TradingState>("/v1/trading-state");
    emit(ctx, current, () => renderState(current));
  },
};

async function setState(ctx: CommandContext, target: "HALTED" | "ACTIVE", defaultReason: string, flatten: boolean) {
  const reason = stringOption(ctx.values, "reason") ?? defaultReason;
  if (reason.trim() === "") throw new CliError("--reason must not be empty");
  const saved = await ctx.api().put<TradingState & { flattened: FlattenOutcome[] }>("/v1/trading-state", {
    state: target,
    reason,
    ...(flatten ? { flatten: true } : {}),
  });
  emit(ctx, saved, () => {
    const closes = saved.flattened.map((f) => `  ${f.positionId}: ${f.reason === null ? `flat (order ${f.orderId ?? "-"})` : `not closed, ${f.reason}`}`);
    return renderState(saved) + (flatten ? `Flatten:\n${closes.length > 0 ? closes.join("\n") : "  no open position"}\n` : "");
  });
}

export const halt: Command = {
  path: ["halt"],
  usage: "halt [--reason <text>] [--flatten]",
  summary: "set HALTED: no new risk, working orders cancelled; --flatten closes open positions first",
  options: { reason: { type: "string" }, flatten: { type: "boolean" } },
  maxPositionals: 0,
  run: (ctx) => setState(ctx, "HALTED", "manual: halted from the CLI", ctx.values.flatten === true),
};

export const resume: Command = {
  path: ["resume"],
  usage: "resume [--reason <text>]",
  summary: "set ACTIVE again",
  options: { reason: { type: "string" } },
  maxPositionals: 0,
  run: (ctx) => setState(ctx, "ACTIVE", "manual: resumed from the CLI", false),
};
