import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

// One way to find a free port, shared with the drills that start gateways the same way.
export { freePort } from "../../scripts/drills/gateway.js";

/**
 * How long a test waits for a spawned gateway to be ready: a fresh PGlite data directory migrates at
 * boot, which takes over 10 s on a slow 2-core machine while the rest of the suite runs beside it.
 * A wait for readiness, not a timing claim: how fast the gateway starts is no test's business.
 */
export const READY_WAIT_MS = 40_000;

export type GatewayProcess = {
  child: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
  /** Polls a path until it answers 200, or rejects after `ms`. */
  waitFor(path: string, ms: number): Promise<number>;
};

/**
 * Runs src/main.ts as a real process, the way an operator would, with only the environment given
 * (no inherited DATABASE_URL or API_KEY) and `cwd` as its working directory.
 */
export function spawnGateway(options: { cwd: string; env?: Record<string, string>; port?: number }): GatewayProcess {
  const port = options.port ?? 0;
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", PORT: String(port), HOST: "127.0.0.1", ...options.env };
  const started = Date.now();
  const child = spawn(process.execPath, ["--import", TSX, MAIN], { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, afterMs: Date.now() - started })),
  );
  const url = `http://127.0.0.1:${env.PORT}`;
  return {
    child,
    url,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: async (path, ms) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`gateway exited early:\n${out}\n${err}`);
        try {
          const res = await fetch(url + path);
          if (res.status === 200) return Date.now() - started;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${path} did not answer 200 within ${ms} ms:\n${out}\n${err}`);
    },
  };
}
