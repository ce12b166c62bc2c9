import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const TSX = import.meta.resolve("tsx");

export type ScriptRun = { code: number | null; stdout: string; stderr: string };

/**
 * Runs one of scripts/*.ts as `npm run` would (through tsx), with only the environment given and
 * `cwd` as its working directory, so no .env or inherited DATABASE_URL reaches it.
 */
export function runScript(script: string, args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<ScriptRun> {
  const file = fileURLToPath(new URL(`../../scripts/${script}`, import.meta.url));
  const env = { PATH: process.env.PATH ?? "", ...options.env };
  const child = spawn(process.execPath, ["--import", TSX, file, ...args], { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
