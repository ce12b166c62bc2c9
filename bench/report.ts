/** Formats benchmark results as plain-text tables; no colours, so they paste cleanly into issues. */
import type { LoadResult } from "./load.js";

export type ScenarioResult = { scenario: string; result: LoadResult };

/** The goal for webhooks on PostgreSQL, every signal committed, at 32 connections. */
export const GOAL = { minRatio: 0.25, maxP99Ms: 25 };

/**
 * The first row is the baseline; every row's ratios are relative to it. `rate` names the rate
 * column ("req/s", or "accepted/s" where only answers meaning "committed" are counted).
 */
export function formatTable(rows: ScenarioResult[], labels: { rate: string; baseline: string }): string {
  const headers = ["scenario", labels.rate, "p50 ms", "p99 ms", "errors", "throughput", "p99"];
  const baseline = rows[0]?.result;
  const cells = rows.map(({ scenario, result }) => [
    scenario,
    result.requestsPerSecond.toFixed(0),
    result.p50Ms.toFixed(2),
    result.p99Ms.toFixed(2),
    String(result.errors),
    baseline ? `${ratio(result.requestsPerSecond, baseline.requestsPerSecond)} ${labels.baseline}` : "-",
    baseline ? `${ratio(result.p99Ms, baseline.p99Ms)} ${labels.baseline}` : "-",
  ]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  // Names left-aligned, numbers right-aligned so their digits line up.
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(headers), rule, ...cells.map(line)].join("\n");
}

/** One line against the goal; `postgres` is undefined when that scenario could not run. */
export function formatVerdict(postgres: LoadResult | undefined, barePost: LoadResult, connections: number): string {
  const goal = `goal (PostgreSQL): >= ${GOAL.minRatio}x bare POST and p99 <= ${GOAL.maxP99Ms} ms`;
  if (!postgres) return `${goal}: NOT MEASURED (PostgreSQL scenario skipped)`;
  const r = postgres.requestsPerSecond / barePost.requestsPerSecond;
  const met = r >= GOAL.minRatio && postgres.p99Ms <= GOAL.maxP99Ms && postgres.errors === 0;
  // The goal is stated for 32 connections; at another count the verdict is only indicative.
  const caveat = connections === 32 ? "" : ` [at ${connections} connections, not 32]`;
  return `${goal}: ${met ? "MET" : "NOT MET"} (${r.toFixed(2)}, ${postgres.p99Ms.toFixed(1)} ms)${caveat}`;
}

function ratio(value: number, base: number): string {
  return base > 0 && Number.isFinite(value) ? `${(value / base).toFixed(2)}x` : "n/a";
}
