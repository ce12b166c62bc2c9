import { CliError, integerOption, stringOption } from "../args.js";
import { emit, type Command } from "../command.js";
import { renderSignalWithTrace, signalTable, type Signal, type SignalTrace } from "../signal-view.js";

export const signalsList: Command = {
  path: ["signals", "list"],
  usage: "signals list [--strategy <key or id>] [--status queued|processing|processed|failed|rejected] [--limit n]",
  summary: "the signal ledger, newest first",
  options: { strategy: { type: "string" }, status: { type: "string" }, limit: { type: "string" } },
  maxPositionals: 0,
  run: async (ctx) => {
    const page = await ctx.api().get<{ data: Signal[]; nextCursor: string | null }>("/v1/signals", {
      strategy: stringOption(ctx.values, "strategy"),
      status: stringOption(ctx.values, "status"),
      limit: integerOption(ctx.values, "limit", 1, 500) ?? 20,
    });
    emit(ctx, page, () => signalTable(page.data));
  },
};

export const signalsShow: Command = {
  path: ["signals", "show"],
  usage: "signals show <signal id>",
  summary: "one signal with its trace: risk decisions, orders, fills, positions",
  options: {},
  maxPositionals: 1,
  run: async (ctx) => {
    const id = ctx.positionals[0];
    if (!id) throw new CliError("signals show needs a signal id (sig_…)");
    const signal = await ctx.api().get<Signal & { trace: SignalTrace }>(`/v1/signals/${encodeURIComponent(id)}`);
    emit(ctx, signal, () => renderSignalWithTrace(signal));
  },
};
