import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Vitest's default is one worker fewer than the CPUs: one worker on the 2-CPU machines CI runs on,
    // which left a CPU idle while integration files waited on child processes and timers.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          // Vitest's 5 s is a hang guard, not a speed claim: a compute-heavy test (a parameter search,
          // 1.6 s alone) missed it on a slow 2-core machine while integration files ran beside it.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts", "tests/exchange/**/*.test.ts"],
          globalSetup: ["tests/helpers/global-setup.ts"],
          // Each file opens its own database (a copy of the migrated PGlite snapshot, or a fresh
          // PostgreSQL database), so files need no process of their own: a worker keeps its imported
          // modules and compiled PGlite from one file to the next, which used to cost more than most
          // files' tests. Module-level state in src/ is caches of pure results, which files may share.
          pool: "forks",
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
