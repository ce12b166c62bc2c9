import { fileURLToPath } from "node:url";
import { lint, loadConfig } from "@redocly/openapi-core";

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export type LintProblem = { severity: string; ruleId: string; message: string; pointer: string };

/** Lints the committed openapi.yaml with Redocly's rules as configured in redocly.yaml. */
export async function lintOpenApiFile(): Promise<LintProblem[]> {
  const config = await loadConfig({ configPath: root("redocly.yaml") });
  const problems = await lint({ ref: root("openapi.yaml"), config });
  return problems.map((p) => ({
    severity: p.severity,
    ruleId: p.ruleId,
    message: p.message,
    pointer: p.location[0]?.pointer ?? "",
  }));
}
