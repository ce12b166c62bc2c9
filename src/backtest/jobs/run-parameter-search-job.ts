import type { Database } from "../../db/client.js";
import {
  claimParameterSearch,
  completeParameterSearch,
  endParameterSearch,
  recordParameterSearchProgress,
  requeueParameterSearch,
  type SearchProgressColumns,
} from "../../db/repositories/parameter-searches-repository.js";
import type { ParameterSearchRow } from "../../db/schema/parameter-searches.js";
import type { SearchResult } from "../research/search-parameters.js";
import type { StoredSpec } from "../service/backtest-spec.js";
import { searchOptionsOf, type StoredSearchRequest } from "../service/parameter-search-spec.js";
import type { BacktestSpec } from "../types.js";
import { loadSpecSeries } from "./load-candles.js";
import { runJob, type ActiveRun, type JobDefinition, type JobRunnerDeps } from "./run-job.js";
import type { SeriesArrays } from "./worker-protocol.js";
import { startSearchWorker } from "./worker-thread.js";

type Inputs = { base: BacktestSpec; series: SeriesArrays[] };

/**
 * A parameter search as runJob runs it: the candles loaded here, searchParameters in a worker thread
 * (progress by phase, the shared cancel flag), the ranking stored with the progress it ended on.
 */
const PARAMETER_SEARCH_JOB: JobDefinition<ParameterSearchRow, Inputs, SearchResult> = {
  noun: "parameter search",
  logKey: "parameterSearchId",
  storesRefusalCodes: true,
  claim: claimParameterSearch,
  end: endParameterSearch,
  requeue: requeueParameterSearch,
  open: (deps, row) => {
    const { id } = row;
    const { database, runner } = deps;
    let progress: SearchProgressColumns = { phase: null, done: 0, total: 0 };
    return {
      load: async (signal) => {
        const inputs = await loadInputs(database, row, signal);
        if (!("missing" in inputs)) progress = { phase: "in_sample", done: 0, total: row.candidates };
        return inputs;
      },
      heartbeat: (now) => recordParameterSearchProgress(database.db, { id, runner, progress, now }),
      start: (inputs, onCrash) =>
        startSearchWorker({
          url: deps.workerUrl,
          base: inputs.base,
          series: inputs.series,
          options: searchOptionsOf(row.request as StoredSearchRequest),
          onProgress: (p) => {
            progress = { phase: p.phase, done: p.done, total: p.total };
          },
          onCrash,
        }),
      complete: (result, now) => completeParameterSearch(database.db, { id, runner, now, result, rankingHash: result.rankingHash, progress }),
    };
  },
};

/** Runs one queued parameter search to its end, if it is still queued (see runJob). Never throws. */
export const runParameterSearchJob = (deps: JobRunnerDeps, id: string, active: Map<string, ActiveRun>) => runJob(PARAMETER_SEARCH_JOB, deps, id, active);

async function loadInputs(database: Database, row: ParameterSearchRow, signal: AbortSignal): Promise<Inputs | { missing: string }> {
  const stored = row.spec as StoredSpec;
  // A search's spec is always a built-in's (the route requires `strategy`); a replay has no params to vary.
  if (stored.source.kind !== "builtin") throw new Error(`parameter search ${row.id} has a ${stored.source.kind} source`);
  const series = await loadSpecSeries(database, stored, signal, "search");
  return "missing" in series ? series : { base: { ...stored, source: stored.source }, series };
}
