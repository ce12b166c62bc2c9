import type { SearchResult } from "../../../backtest/research/search-parameters.js";
import type { BacktestStatus } from "../../../backtest/service/backtest-status.js";
import type { ParameterSearchErrorCode, StoredSearchRequest } from "../../../backtest/service/parameter-search-spec.js";
import type { ParameterSearchListRow } from "../../../db/repositories/parameter-searches-repository.js";
import type { ParameterSearchRow } from "../../../db/schema/parameter-searches.js";

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const isoMs = (ms: number) => new Date(ms).toISOString();

/** The public shape of a search without its result: the resolved spec, the runner and the heartbeat stay internal. */
export function parameterSearchSummaryView(row: ParameterSearchListRow) {
  const request = row.request as StoredSearchRequest;
  return {
    id: row.id,
    status: row.status as BacktestStatus,
    strategyId: row.strategyId,
    candidates: row.candidates,
    progress: { phase: row.progressPhase as "in_sample" | "out_of_sample" | null, done: row.progressDone, total: row.progressTotal },
    request: { ...request, from: isoMs(request.from), to: isoMs(request.to) },
    rankingHash: row.rankingHash,
    error: row.errorCode || row.errorMessage ? { code: row.errorCode as ParameterSearchErrorCode | null, message: row.errorMessage } : null,
    cancelRequested: row.cancelRequested,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

export function parameterSearchView(row: ParameterSearchRow) {
  return { ...parameterSearchSummaryView(row), result: row.result ? resultView(row.result as SearchResult) : null };
}

function resultView(result: SearchResult) {
  const side = (s: SearchResult["split"]["inSample"]) => ({ from: isoMs(s.from), to: isoMs(s.to), candles: s.candles });
  return { ...result, split: { cutTime: isoMs(result.split.cutTime), inSample: side(result.split.inSample), outOfSample: side(result.split.outOfSample) } };
}
