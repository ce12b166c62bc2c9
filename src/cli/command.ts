import type { ApiClient } from "./api-client.js";
import type { OptionSpec } from "./args.js";

export type CommandContext = {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: readonly string[];
  readonly json: boolean;
  /** The REST client, built on first use so commands that need no gateway never ask for a key. */
  api(): ApiClient;
  /** Standard output. */
  out(text: string): void;
  /** The process environment and working directory, passed in so nothing below main.ts reads globals. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
};

export type Command = {
  /** The words that name it: ["signals", "show"]. */
  readonly path: readonly string[];
  readonly usage: string;
  readonly summary: string;
  readonly options: OptionSpec;
  readonly maxPositionals: number;
  /** Everything after the command words goes to `run` untouched (the drills parse their own options). */
  readonly passThrough?: boolean;
  /** Resolves to the process exit code; undefined means 0. */
  run(ctx: CommandContext): Promise<number | void>;
};

/** `--json` prints the API's body as is, for scripts; otherwise the human form. */
export function emit(ctx: CommandContext, body: unknown, human: () => string): void {
  ctx.out(ctx.json ? `${JSON.stringify(body, null, 2)}\n` : human());
}
