import type { Db } from "../db/client.js";
import { findStrategyById, findStrategyByKey } from "../db/repositories/strategies-repository.js";
import { ApiError } from "../http/errors.js";

/**
 * Resolves a strategy filter given as an id (`stg_…`) or a key. undefined: no filter; null: no such
 * strategy, so the listing is empty rather than an error (as for the signal ledger).
 */
export async function resolveStrategyFilter(db: Db, ref: string | undefined): Promise<string | null | undefined> {
  if (!ref) return undefined;
  const strategy = ref.startsWith("stg_") ? await findStrategyById(db, ref) : await findStrategyByKey(db, ref);
  return strategy?.id ?? null;
}

// Cursors are opaque to clients: base64url of a tagged position in the listing, so the encoding can
// change later and a cursor from one listing is refused by another.
export function encodeCursor(tag: string, value: string): string {
  return Buffer.from(`${tag}${value}`).toString("base64url");
}

export function decodeCursor(cursor: string, pattern: RegExp): RegExpExecArray {
  const match = pattern.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) throw invalidCursor();
  return match;
}

/** For a cursor of the right shape whose value no listing could have issued (out of the column's range). */
export function invalidCursor(): ApiError {
  return new ApiError("VALIDATION_FAILED", "invalid cursor", { errors: [{ path: "cursor", message: "not a cursor this API issued" }] });
}

export type Page<T> = { rows: T[]; nextCursor: string | null };

/** Rows were fetched with limit + 1: the extra row only says whether there is a next page. */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (last: T) => string): Page<T> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
