import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate` is used: migrations are reviewed, committed and applied by src/db/migrate.ts.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema/index.ts",
  out: "./migrations",
});
