/** What a drill found: the counts it reports, and every invariant it saw broken. */
export type DrillReport = {
  readonly drill: string;
  readonly database: "pglite" | "postgres";
  readonly skipped?: string;
  readonly counts: Record<string, number | string>;
  readonly failures: string[];
  /** The gateway's last log lines, when something failed. */
  readonly logTail?: string;
};

export const passed = (report: DrillReport) => report.failures.length === 0;

export function formatReport(report: DrillReport): string {
  if (report.skipped) return `${report.drill} drill: SKIPPED (${report.skipped})\n`;
  const width = Math.max(...Object.keys(report.counts).map((k) => k.length));
  const lines = [
    `${report.drill} drill on ${report.database}: ${passed(report) ? "PASSED" : "FAILED"}`,
    ...Object.entries(report.counts).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    ...report.failures.map((f) => `  FAIL ${f}`),
  ];
  if (!passed(report) && report.logTail) lines.push("  gateway log (last lines):", ...report.logTail.split("\n").map((l) => `    ${l}`));
  return `${lines.join("\n")}\n`;
}
