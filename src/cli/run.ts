import { createApiClient, type ApiClient } from "./api-client.js";
import { CliError, GLOBAL_OPTIONS, parseCommandArgs } from "./args.js";
import type { Command, CommandContext } from "./command.js";
import { drill } from "./commands/drill.js";
import { signalsList, signalsShow } from "./commands/signals.js";
import { strategiesCreate, strategiesList } from "./commands/strategies.js";
import { halt, orders, positions, resume, state } from "./commands/trading.js";
import { DEFAULT_KEY_FILE, DEFAULT_URL, resolveApiKey, resolveBaseUrl } from "./connection.js";

export const COMMANDS: readonly Command[] = [strategiesCreate, strategiesList, signalsList, signalsShow, positions, orders, halt, resume, state, drill];

export type CliIo = {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  out(text: string): void;
  err(text: string): void;
};

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.path.join(" ").length));
  return [
    "usage: signal-gateway <command> [options]",
    "",
    ...COMMANDS.map((c) => `  ${c.path.join(" ").padEnd(width)}  ${c.summary}`),
    "",
    `Options for every command: --url <base URL> (else SIGNAL_GATEWAY_URL, else ${DEFAULT_URL}),`,
    `--key-file <file> (else SIGNAL_GATEWAY_API_KEY, else ${DEFAULT_KEY_FILE}), --json (the API's JSON as is).`,
    "signal-gateway <command> --help shows a command's options.",
    "",
  ].join("\n");
}

// Options that take a value, so their value is not read as a command word: `--url x signals list`.
const VALUE_OPTIONS = new Set(
  [...Object.entries(GLOBAL_OPTIONS), ...COMMANDS.flatMap((c) => Object.entries(c.options))].filter(([, o]) => o.type === "string").map(([name]) => `--${name}`),
);

/** Splits the command words (wherever the global options put them) from the rest. */
function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | { words: string[] } {
  const words: Array<{ word: string; index: number }> = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i] as string;
    if (arg === "--") break;
    if (arg.startsWith("-")) {
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    words.push({ word: arg, index: i });
    // The drill's own arguments are its business: stop at its name.
    if (arg === "drill") break;
  }
  const match = [...COMMANDS]
    .sort((a, b) => b.path.length - a.path.length)
    .find((c) => c.path.every((w, n) => words[n]?.word === w));
  if (!match) return { words: words.map((w) => w.word) };
  const taken = new Set(words.slice(0, match.path.length).map((w) => w.index));
  const lastWord = Math.max(...taken);
  if (match.passThrough) return { command: match, rest: argv.slice(lastWord + 1) as string[] };
  return { command: match, rest: argv.filter((_, i) => !taken.has(i)) };
}

/** Runs one command line; resolves to the exit code. Operator errors are one line on stderr. */
export async function runCli(io: CliIo): Promise<number> {
  try {
    const found = findCommand(io.argv);
    if (!("command" in found)) {
      if (found.words.length > 0) throw new CliError(`unknown command: ${found.words.join(" ")} (signal-gateway --help lists the commands)`);
      // Asked for: the usage on stdout, exit 0. No command at all: on stderr, exit 1.
      const asked = io.argv.includes("--help") || io.argv.includes("-h");
      (asked ? io.out : io.err)(usage());
      return asked ? 0 : 1;
    }
    const { command, rest } = found;
    if (command.passThrough) return (await command.run(passThroughContext(io, rest))) ?? 0;
    const { values, positionals } = parseCommandArgs(rest, command.options, command.maxPositionals);
    if (values.help === true) {
      io.out(`usage: signal-gateway ${command.usage}\n`);
      return 0;
    }
    let client: ApiClient | undefined;
    const ctx: CommandContext = {
      values,
      positionals,
      json: values.json === true,
      env: io.env,
      cwd: io.cwd,
      out: io.out,
      api: () =>
        (client ??= createApiClient({
          baseUrl: resolveBaseUrl(typeof values.url === "string" ? values.url : undefined, io.env),
          apiKey: resolveApiKey(typeof values["key-file"] === "string" ? values["key-file"] : undefined, io.env, io.cwd),
        })),
    };
    return (await command.run(ctx)) ?? 0;
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`signal-gateway: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

function passThroughContext(io: CliIo, rest: string[]): CommandContext {
  return {
    values: {},
    positionals: rest,
    json: false,
    env: io.env,
    cwd: io.cwd,
    out: io.out,
    api: () => {
      throw new CliError("this command does not call the API");
    },
  };
}
