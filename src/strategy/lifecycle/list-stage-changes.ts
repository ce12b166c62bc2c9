import type { Db } from "../../db/client.js";
import { findStrategyStage, listStageChangeRows } from "../../db/repositories/strategy-stages-repository.js";
import { ApiError } from "../../http/errors.js";
import { toStageChangeView, type StageChangeView } from "./stage-change-view.js";
import type { StrategyStage } from "./stages.js";

export type StageChangePage = { stage: StrategyStage; rows: StageChangeView[]; nextCursor: string | null };

/** A strategy's stage changes, newest first; the cursor is the last id of the previous page. */
export async function listStageChanges({
  ctx,
  input,
}: {
  ctx: { db: Db };
  input: { strategyId: string; limit: number; cursor?: string | undefined };
}): Promise<StageChangePage> {
  const stage = await findStrategyStage(ctx.db, input.strategyId);
  if (!stage) throw new ApiError("NOT_FOUND", `no strategy with id ${input.strategyId}`);
  const beforeId = input.cursor === undefined ? undefined : Number(input.cursor);
  if (beforeId !== undefined && !Number.isSafeInteger(beforeId)) {
    throw new ApiError("VALIDATION_FAILED", "invalid cursor", { errors: [{ path: "cursor", message: "not a cursor this listing returned" }] });
  }
  // One row more than asked says whether another page follows.
  const rows = await listStageChangeRows(ctx.db, { strategyId: input.strategyId, beforeId, limit: input.limit + 1 });
  const page = rows.slice(0, input.limit).map(toStageChangeView);
  return { stage: stage as StrategyStage, rows: page, nextCursor: rows.length > input.limit ? String(page[page.length - 1]?.id) : null };
}
