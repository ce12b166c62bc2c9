import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";

/**
 * Reads `.env` when present. Variables already set in the real environment win, so an operator can
 * always override the file from the shell or the service manager.
 */
export function withDotenv(env: NodeJS.ProcessEnv, path = ".env"): Record<string, string | undefined> {
  if (!existsSync(path)) return { ...env };
  const fromFile = parseEnv(readFileSync(path, "utf8")) as Record<string, string>;
  return { ...fromFile, ...env };
}
