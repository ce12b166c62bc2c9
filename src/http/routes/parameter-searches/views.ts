import type { SearchResult } from "../../../backtest/research/search-parameters.js";
import type { ParameterSearchErrorCode, StoredSearchRequest } from "../../../backtest/service/parameter-search-spec.js";
import type { ParameterSearchListRow } from "../../../db/repositories/parameter-searches-repository.js";
import type { ParameterSearchRow } from "../../../db/schema/parameter-searches.js";
import { jobEndView, jobHeadView, requestView } from "../backtests/views.js";

const isoMs = (ms: number) => new Date(ms).toISOString();

/** The public shape of a search without its result: the resolved spec, the runner and the heartbeat stay internal. */
export function parameterSearchSummaryView(row: ParameterSearchListRow) {
  return {
    ...jobHeadView(row),
    candidates: row.candidates,
    progress: { phase: row.progressPhase as "in_sample" | "out_of_sample" | null, done: row.progressDone, total: row.progressTotal },
    request: requestView(row.request as StoredSearchRequest),
    rankingHash: row.rankingHash,
    ...jobEndView<ParameterSearchErrorCode>(row),
  };
}

export function parameterSearchView(row: ParameterSearchRow) {
  return { ...parameterSearchSummaryView(row), result: row.result ? resultView(row.result as SearchResult) : null };
}

function resultView(result: SearchResult) {
  const side = (s: SearchResult["split"]["inSample"]) => ({ from: isoMs(s.from), to: isoMs(s.to), candles: s.candles });
  return { ...result, split: { cutTime: isoMs(result.split.cutTime), inSample: side(result.split.inSample), outOfSample: side(result.split.outOfSample) } };
}
