import { ENV_NAME, envName, expected, fromSource, parseJsonArray, readListSource } from "./json-list.js";
import { createRequire } from "node:module";
import { z } from "zod";

/**
 * Live exchange accounts, declared as a JSON array in EXCHANGE_ACCOUNTS or in the file named by
 * EXCHANGE_ACCOUNTS_FILE (one or the other). Credentials are never part of it: an account names the
 * environment variables that hold them, and only those names are kept in memory.
 */

export const MARKET_TYPES = ["spot", "swap"] as const;
export type MarketType = (typeof MARKET_TYPES)[number];

/** The shared paper account's id; a live account may not take it. */
const PAPER_ACCOUNT_ID = "acc_paper";


let knownExchanges: ReadonlySet<string> | undefined;
/**
 * ccxt's exchange ids. Loaded on first use only (ccxt takes about a second to load), through its
 * CommonJS build because configuration parsing is synchronous.
 */
export function ccxtExchangeIds(): ReadonlySet<string> {
  knownExchanges ??= new Set((createRequire(import.meta.url)("ccxt") as { exchanges: string[] }).exchanges);
  return knownExchanges;
}

function accountSchema(exchanges: () => ReadonlySet<string>) {
  return z
    .object({
      id: z
        .string(expected("must be a string"))
        .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
          error: "1–63 characters: lowercase letters, digits, '-' and '_', starting with a letter or digit",
        })
        .refine((id) => id !== PAPER_ACCOUNT_ID, { error: `${PAPER_ACCOUNT_ID} is the shared paper account` }),
      name: z.string(expected("must be a string")).trim().min(1, { error: "must not be empty" }).max(200, { error: "at most 200 characters" }),
      exchange: z
        .string(expected("must be a ccxt exchange id"))
        .refine((id) => exchanges().has(id), { error: "is not a ccxt exchange id (see ccxt.exchanges, e.g. binance, bybit, okx)" }),
      apiKeyEnv: envName,
      secretEnv: envName,
      passwordEnv: envName.optional(),
      sandbox: z.boolean({ error: "must be true or false" }).default(true),
      marketType: z.enum(MARKET_TYPES, expected(`must be one of ${MARKET_TYPES.join(", ")}`)),
      apiBaseUrl: z
        .string({ error: "must be an http:// or https:// URL" })
        .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), { error: "must be an http:// or https:// URL" })
        .refine((v) => !URL.canParse(v) || (new URL(v).username === "" && new URL(v).password === ""), {
          error: "must not carry a user or password; credentials come from the environment",
        })
        .optional(),
      currency: z
        .string({ error: "must be a currency code" })
        .regex(/^[A-Z0-9]{2,12}$/, { error: "must be a currency code such as USDT" })
        .default("USDT"),
    })
    .strict();
}

export type ExchangeAccountConfig = Readonly<{
  id: string;
  name: string;
  exchange: string;
  apiKeyEnv: string;
  secretEnv: string;
  passwordEnv?: string | undefined;
  sandbox: boolean;
  marketType: MarketType;
  apiBaseUrl?: string | undefined;
  currency: string;
}>;

export type ExchangeAccountsResult = { ok: true; accounts: ExchangeAccountConfig[] } | { ok: false; errors: string[] };

type Env = Readonly<Record<string, string | undefined>>;
const isSet = (value: string | undefined) => value !== undefined && value !== "";

/**
 * Parses the accounts JSON and checks that every variable an account names is set. Error lines say
 * where (`[index] (id).field`) and why; they name variables, never a value.
 */
export function parseExchangeAccounts(
  text: string,
  options: { env: Env; exchanges?: () => ReadonlySet<string> },
): ExchangeAccountsResult {
  const list = parseJsonArray(text, "accounts");
  if (!list.ok) return list;
  const schema = accountSchema(options.exchanges ?? ccxtExchangeIds);
  const errors: string[] = [];
  const accounts: ExchangeAccountConfig[] = [];
  list.items.forEach((item: unknown, index) => {
    const rawId = typeof item === "object" && item !== null && typeof (item as { id?: unknown }).id === "string" ? (item as { id: string }).id : undefined;
    const where = `[${index}]${rawId && /^[a-z0-9][a-z0-9_-]{0,62}$/.test(rawId) ? ` (${rawId})` : ""}`;
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.code === "unrecognized_keys" ? issue.keys.join(", ") : issue.path.join(".");
        errors.push(`${where}${field ? `.${field}` : ""}: ${messageOf(issue)}`);
      }
    }
    // Checked on the raw item too, so a missing variable is reported along with any other mistake.
    const raw = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
    for (const field of ["apiKeyEnv", "secretEnv", "passwordEnv"] as const) {
      const name = raw[field];
      if (typeof name === "string" && ENV_NAME.test(name) && !isSet(options.env[name])) {
        errors.push(`${where}.${field}: environment variable ${name} is not set`);
      }
    }
    if (!parsed.success) return;
    const account = parsed.data;
    if (account.apiKeyEnv === account.secretEnv) errors.push(`${where}.secretEnv: must name a different variable than apiKeyEnv`);
    if (accounts.some((a) => a.id === account.id)) errors.push(`${where}.id: another account already has this id`);
    accounts.push(account);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, accounts };
}

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    return "not a known field (credentials go in environment variables named by apiKeyEnv, secretEnv and passwordEnv)";
  }
  if (issue.code === "invalid_type" && issue.path.length === 0) return "must be an object";
  return issue.message;
}

/**
 * Reads EXCHANGE_ACCOUNTS or EXCHANGE_ACCOUNTS_FILE (setting both is an error). Error lines start with
 * the variable they concern, like every other configuration error.
 */
export function loadExchangeAccounts(input: {
  inline: string | undefined;
  file: string | undefined;
  env: Env;
  exchanges?: () => ReadonlySet<string>;
}): ExchangeAccountsResult {
  const read = readListSource({ inline: input.inline, file: input.file, variable: "EXCHANGE_ACCOUNTS" });
  if (read.kind === "none") return { ok: true, accounts: [] };
  if (read.kind === "error") return { ok: false, errors: read.errors };
  const parsed = parseExchangeAccounts(read.text, { env: input.env, ...(input.exchanges ? { exchanges: input.exchanges } : {}) });
  return parsed.ok ? parsed : { ok: false, errors: fromSource(read.source, parsed.errors) };
}

export type ExchangeCredentials = Readonly<{ apiKey: string; secret: string; password?: string }>;

/**
 * The account's credentials, read from the environment at the moment of use so that nothing else
 * holds them. For the venue adapter only: never log, store or return what this gives.
 */
export function readExchangeCredentials(account: ExchangeAccountConfig, env: Env): ExchangeCredentials {
  const read = (name: string) => {
    const value = env[name];
    if (value === undefined || value === "") throw new Error(`account '${account.id}': environment variable ${name} is not set`);
    return value;
  };
  return {
    apiKey: read(account.apiKeyEnv),
    secret: read(account.secretEnv),
    ...(account.passwordEnv ? { password: read(account.passwordEnv) } : {}),
  };
}
