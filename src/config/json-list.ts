import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * What exchange accounts and notification sinks share: a JSON array given inline in VARIABLE or in
 * the file named by VARIABLE_FILE, whose items name the environment variables holding their secrets.
 */

/** Upper case only: a pasted URL, key or token is refused instead of being echoed back in an error. */
export const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;

/** A type error message that says "is required" when the field is absent. */
export const expected = (message: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : message) });

/** A field that names an environment variable (and so never holds the secret itself). */
export const envName = z.string(expected("must be the NAME of an environment variable")).regex(ENV_NAME, {
  error: "must be the NAME of an environment variable (A–Z, 0–9, '_'), not its value",
});

export type ListSource = { kind: "none" } | { kind: "text"; text: string; source: string } | { kind: "error"; errors: string[] };

/** The text of `variable` or of the file `${variable}_FILE` names; setting both is an error. */
export function readListSource(input: { inline: string | undefined; file: string | undefined; variable: string }): ListSource {
  const fileVariable = `${input.variable}_FILE`;
  if (input.inline !== undefined && input.file !== undefined) {
    return { kind: "error", errors: [`${input.variable}: set ${input.variable} or ${fileVariable}, not both`] };
  }
  if (input.inline !== undefined) return { kind: "text", text: input.inline, source: input.variable };
  if (input.file === undefined) return { kind: "none" };
  try {
    return { kind: "text", text: readFileSync(input.file, "utf8"), source: fileVariable };
  } catch (err) {
    return { kind: "error", errors: [`${fileVariable}: cannot read ${input.file} (${(err as NodeJS.ErrnoException).code ?? "error"})`] };
  }
}

/** Error lines start with the variable they concern, like every other configuration error. */
export function fromSource(source: string, errors: readonly string[]): string[] {
  return errors.map((e) => `${source}${e.startsWith("[") ? "" : ": "}${e}`);
}

/** The JSON array of `what`; a parse error keeps only the position (JSON.parse's message quotes the input, which may hold a pasted secret). */
export function parseJsonArray(text: string, what: string): { ok: true; items: unknown[] } | { ok: false; errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const at = /position (\d+)/.exec(String((err as Error).message))?.[1];
    return { ok: false, errors: [`is not valid JSON${at ? ` (at position ${at})` : ""}`] };
  }
  return Array.isArray(json) ? { ok: true, items: json } : { ok: false, errors: [`must be a JSON array of ${what}`] };
}
