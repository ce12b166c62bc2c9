import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CliError } from "./args.js";

export const DEFAULT_URL = "http://localhost:3000";
export const DEFAULT_KEY_FILE = "./data/admin-api-key";

/** The gateway's base URL: --url, else SIGNAL_GATEWAY_URL, else the default port on this machine. */
export function resolveBaseUrl(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const url = flag ?? (env.SIGNAL_GATEWAY_URL || DEFAULT_URL);
  if (!/^https?:\/\//.test(url) || !URL.canParse(url)) throw new CliError(`the gateway URL must be an http:// or https:// URL, not ${url}`);
  return url;
}

/**
 * The API key: the file --key-file names, else SIGNAL_GATEWAY_API_KEY, else the admin key the
 * gateway wrote at first start. Errors name where the key was looked for, never its value.
 */
export function resolveApiKey(keyFile: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  if (keyFile === undefined && env.SIGNAL_GATEWAY_API_KEY) return env.SIGNAL_GATEWAY_API_KEY.trim();
  const file = resolve(cwd, keyFile ?? DEFAULT_KEY_FILE);
  let key: string;
  try {
    key = readFileSync(file, "utf8").trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new CliError(`no API key: cannot read ${file} (${code}); set SIGNAL_GATEWAY_API_KEY or --key-file`);
  }
  if (key === "") throw new CliError(`no API key: ${file} is empty; set SIGNAL_GATEWAY_API_KEY or --key-file`);
  return key;
}
