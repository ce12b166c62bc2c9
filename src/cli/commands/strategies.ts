import { CliError, listOption, requiredOption } from "../args.js";
import { emit, type Command } from "../command.js";
import { renderFields, renderTable } from "../table.js";

type Strategy = {
  id: string;
  key: string;
  name: string;
  enabled: boolean;
  stage: string;
  mode: string;
  allowedSymbols: string[];
  passphraseRequired: boolean;
};
type Created = { strategy: Strategy; webhookUrl: string; passphrase?: string };

const UNIFIED_SYMBOL = /^[A-Z0-9.]+\/[A-Z0-9.]+(:[A-Z0-9.]+)?$/;

export const strategiesCreate: Command = {
  path: ["strategies", "create"],
  usage: "strategies create --key <key> --name <name> [--symbols BTC/USDT,ETH/USDT] [--passphrase] [--candidate]",
  summary: "create a strategy and print its TradingView webhook URL (and passphrase) once",
  options: { key: { type: "string" }, name: { type: "string" }, symbols: { type: "string", multiple: true }, passphrase: { type: "boolean" }, candidate: { type: "boolean" } },
  maxPositionals: 0,
  run: async (ctx) => {
    const symbols = listOption(ctx.values, "symbols") ?? [];
    const bad = symbols.find((s) => !UNIFIED_SYMBOL.test(s));
    if (bad) throw new CliError(`--symbols must be ccxt unified symbols such as BTC/USDT, not ${bad}`);
    const body = {
      key: requiredOption(ctx.values, "key"),
      name: requiredOption(ctx.values, "name"),
      allowedSymbols: symbols,
      passphrase: ctx.values.passphrase === true,
      ...(ctx.values.candidate === true ? { stage: "candidate" } : {}),
    };
    const created = await ctx.api().post<Created>("/v1/strategies", body);
    emit(ctx, created, () => {
      const s = created.strategy;
      return (
        renderFields([
          ["Strategy", `${s.key} (${s.id}), stage ${s.stage}, mode ${s.mode}`],
          ["Symbols", s.allowedSymbols.length > 0 ? s.allowedSymbols.join(", ") : "any"],
          ["Webhook URL", created.webhookUrl],
          ...(created.passphrase ? [["Passphrase", created.passphrase] as const] : []),
        ]) + `\nShown once: the gateway keeps only digests. Put the URL in TradingView's alert${created.passphrase ? " and the passphrase in its body as \"passphrase\"" : ""}.\n`
      );
    });
  },
};

export const strategiesList: Command = {
  path: ["strategies", "list"],
  usage: "strategies list",
  summary: "list the strategies",
  options: {},
  maxPositionals: 0,
  run: async (ctx) => {
    const page = await ctx.api().get<{ data: Strategy[] }>("/v1/strategies");
    emit(ctx, page, () =>
      renderTable(page.data, [
        { header: "KEY", value: (s) => s.key },
        { header: "NAME", value: (s) => s.name },
        { header: "ID", value: (s) => s.id },
        { header: "STAGE", value: (s) => s.stage },
        { header: "MODE", value: (s) => s.mode },
        { header: "ENABLED", value: (s) => (s.enabled ? "yes" : "no") },
        { header: "SYMBOLS", value: (s) => (s.allowedSymbols.length > 0 ? s.allowedSymbols.join(",") : "any") },
      ]),
    );
  },
};
