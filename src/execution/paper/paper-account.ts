import type { Db } from "../../db/client.js";
import { insertAccountIfMissing } from "../../db/repositories/trading-repository.js";
import type { Clock } from "../../lib/clock.js";

/** The shared paper account every paper strategy trades on unless it names its own; created once. */
export async function ensurePaperAccount(db: Db, input: { id: string; startingCash: string; clock: Clock }): Promise<void> {
  const now = input.clock.now();
  await insertAccountIfMissing(db, {
    id: input.id,
    name: "paper (shared)",
    venue: "paper",
    currency: "USDT",
    startingCash: input.startingCash,
    cash: input.startingCash,
    fees: "0",
    createdAt: now,
    updatedAt: now,
  });
}
