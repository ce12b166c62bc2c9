import { lintOpenApiFile } from "../tests/helpers/lint-openapi.js";

// `npm run lint:openapi`: the same Redocly lint the test suite runs, with readable output.
const problems = await lintOpenApiFile();
for (const p of problems) process.stdout.write(`${p.severity} ${p.ruleId}: ${p.message} at ${p.pointer}\n`);
process.stdout.write(`${problems.length} problem(s)\n`);
process.exit(problems.length === 0 ? 0 : 1);
