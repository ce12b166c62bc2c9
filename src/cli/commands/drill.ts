import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CliError } from "../args.js";
import type { Command } from "../command.js";

export const DRILLS = ["crash", "db-outage", "sigterm", "burst"] as const;

// Two levels up from src/cli/commands and from dist/cli/commands alike: the repository root.
const RUNNER = fileURLToPath(new URL("../../../scripts/drills/run.ts", import.meta.url));

function tsxLoader(): string {
  try {
    return import.meta.resolve("tsx");
  } catch {
    throw new CliError("the drills run from a source checkout with its dev dependencies (npm ci): tsx is not installed");
  }
}

/**
 * The drills start real gateways from this checkout's sources, so they run through tsx as their
 * own process; its report and exit code are the command's.
 */
export const drill: Command = {
  path: ["drill"],
  usage: `drill <${DRILLS.join("|")}> [options]   (drill <name> --help lists them)`,
  summary: "run a fault drill against fresh gateways from this checkout; exits 1 when an invariant breaks",
  options: {},
  maxPositionals: 0,
  passThrough: true,
  run: async (ctx) => {
    const [name, ...rest] = ctx.positionals;
    if (!name || !(DRILLS as readonly string[]).includes(name)) throw new CliError(`drill needs one of ${DRILLS.join(", ")}${name ? `, not ${name}` : ""}`);
    if (!existsSync(RUNNER)) throw new CliError(`the drills run from a source checkout: ${RUNNER} is missing`);
    const child = spawn(process.execPath, ["--import", tsxLoader(), RUNNER, name, ...rest], { cwd: ctx.cwd, env: { ...ctx.env }, stdio: "inherit" });
    return new Promise<number>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  },
};
