import { findStrategyById, findStrategyByKey } from "../db/repositories/strategies-repository.js";
import { findSignalById, listSignalRows } from "../db/repositories/signals-repository.js";
import type { SignalRow } from "../db/schema/signals.js";
import { signalTraceRows, type SignalTraceRows } from "../db/repositories/trace-repository.js";
import { ApiError } from "../http/errors.js";
import type { LedgerContext } from "./ledger.js";

export type SignalListInput = {
  strategy?: string | undefined;
  status?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit: number;
  cursor?: string | undefined;
};

// Cursors are opaque to clients: base64url of the last row's seq, so the encoding can change later.
const encodeCursor = (seq: number) => Buffer.from(`s${seq}`).toString("base64url");
function decodeCursor(cursor: string): number {
  const match = /^s(\d{1,18})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) throw new ApiError("VALIDATION_FAILED", "invalid cursor", { errors: [{ path: "cursor", message: "not a cursor this API issued" }] });
  return Number(match[1]);
}

export async function listSignals({
  ctx,
  input,
}: {
  ctx: LedgerContext;
  input: SignalListInput;
}): Promise<{ rows: SignalRow[]; nextCursor: string | null }> {
  let strategyId: string | undefined;
  if (input.strategy) {
    const strategy = input.strategy.startsWith("stg_")
      ? await findStrategyById(ctx.db, input.strategy)
      : await findStrategyByKey(ctx.db, input.strategy);
    if (!strategy) return { rows: [], nextCursor: null };
    strategyId = strategy.id;
  }
  const rows = await listSignalRows(ctx.db, {
    ...(strategyId ? { strategyId } : {}),
    ...(input.status ? { status: input.status } : {}),
    ...(input.since ? { since: new Date(input.since) } : {}),
    ...(input.until ? { until: new Date(input.until) } : {}),
    ...(input.cursor ? { beforeSeq: decodeCursor(input.cursor) } : {}),
    limit: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > input.limit && last ? encodeCursor(last.seq) : null };
}

export async function getSignal({ ctx, input }: { ctx: LedgerContext; input: { id: string } }): Promise<{ row: SignalRow; trace: SignalTraceRows }> {
  const row = await findSignalById(ctx.db, input.id);
  if (!row) throw new ApiError("NOT_FOUND", `no signal with id ${input.id}`);
  return { row, trace: await signalTraceRows(ctx.db, input.id) };
}
