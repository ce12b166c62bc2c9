import { parseArgs } from "node:util";

/** A failure the operator can act on: printed as one line, no stack, exit 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

export type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

/** Options every command takes, wherever they appear on the line. */
export const GLOBAL_OPTIONS = {
  url: { type: "string" },
  "key-file": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpec;

export type GlobalValues = { url?: string; "key-file"?: string; json?: boolean; help?: boolean };

/** node:util parseArgs (strict), its unknown-option and missing-value errors turned into one line. */
export function parseCommandArgs(args: readonly string[], options: OptionSpec, maxPositionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: { ...GLOBAL_OPTIONS, ...options }, strict: true, allowPositionals: true });
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) throw new CliError((err as Error).message.replace(/\s*\n\s*/g, " "));
    throw err;
  }
  if (parsed.positionals.length > maxPositionals) throw new CliError(`unexpected argument: ${parsed.positionals[maxPositionals]}`);
  return { values: parsed.values as Record<string, string | boolean | string[] | undefined>, positionals: parsed.positionals };
}

export function stringOption(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

export function requiredOption(values: Record<string, unknown>, name: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value === "") throw new CliError(`--${name} is required`);
  return value;
}

export function integerOption(values: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new CliError(`--${name} must be an integer from ${min} to ${max}, not ${raw}`);
  return n;
}

/** `--symbols BTC/USDT,ETH/USDT` or the option repeated. */
export function listOption(values: Record<string, unknown>, name: string): string[] | undefined {
  const value = values[name];
  const items = Array.isArray(value) ? value : typeof value === "string" ? [value] : undefined;
  return items?.flatMap((v) => String(v).split(",")).map((v) => v.trim()).filter((v) => v !== "");
}
