import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { Db } from "../../db/client.js";
import { recordedSignalsPage } from "../../db/repositories/backtest-inputs-repository.js";
import { CanonicalSignalSchema } from "../../domain/signal.js";
import type { ReplaySignal } from "../types.js";

const PAGE = 5000;

/**
 * A strategy's recorded signals for the backtest's symbols, received in [from, to], as the engine
 * replays them: each at its received time, in ledger order. A stored signal that no longer parses
 * (the schema moved on since) is skipped rather than failing the whole replay.
 */
export async function loadReplaySignals(
  db: Db,
  input: { strategyId: string; symbols: readonly string[]; from: number; to: number; signal?: AbortSignal },
): Promise<ReplaySignal[]> {
  const out: ReplaySignal[] = [];
  let afterSeq = 0;
  for (;;) {
    input.signal?.throwIfAborted();
    const rows = await recordedSignalsPage(db, { ...input, from: new Date(input.from), to: new Date(input.to), afterSeq, limit: PAGE });
    for (const row of rows) {
      const parsed = CanonicalSignalSchema.safeParse(row.signal);
      if (parsed.success) out.push({ at: row.receivedAt.getTime(), signal: parsed.data });
    }
    if (rows.length < PAGE) return out;
    afterSeq = rows[rows.length - 1]!.seq;
    await yieldToEventLoop();
  }
}
