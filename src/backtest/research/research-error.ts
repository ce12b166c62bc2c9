export const RESEARCH_ERROR_CODES = [
  "NOT_BUILTIN",
  "SPACE_INVALID",
  "SEARCH_INVALID",
  "TOO_MANY_CANDIDATES",
  "NO_VALID_CANDIDATES",
  "SPLIT_EMPTY",
] as const;
export type ResearchErrorCode = (typeof RESEARCH_ERROR_CODES)[number];

export type ResearchIssue = { readonly path: string; readonly message: string };

/**
 * A search that cannot run as asked, thrown before any backtest starts (bad space, grid over the
 * cap, nothing valid to run, an empty side of the split). The job layer maps it to a 422 with the
 * issues as field errors; nothing here knows about HTTP.
 */
export class ResearchInputError extends Error {
  constructor(
    readonly code: ResearchErrorCode,
    message: string,
    readonly issues: readonly ResearchIssue[] = [],
  ) {
    super(message);
    this.name = "ResearchInputError";
  }
}
