import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** The gateway from this checkout's sources, run the way an operator runs it (through tsx here). */
const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export type GatewayExit = { code: number | null; signal: NodeJS.Signals | null; at: number };

export type Gateway = {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<GatewayExit>;
  running(): boolean;
  /** Polls /readyz until it answers 200; rejects when the process exits or `ms` pass. */
  ready(ms: number): Promise<void>;
  /** The last lines the process wrote, for a failure report. */
  logTail(lines?: number): string;
};

/** Starts src/main.ts with only the environment given (no inherited DATABASE_URL or API_KEY). */
export function startGateway(options: { cwd: string; port: number; env: Record<string, string> }): Gateway {
  const env = { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: String(options.port), ...options.env };
  const child = spawn(process.execPath, ["--import", TSX, MAIN], { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const keep = (d: Buffer) => {
    log = (log + d.toString()).slice(-64_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<GatewayExit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })));
  const url = `http://127.0.0.1:${options.port}`;
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    url,
    exited,
    running,
    logTail: (lines = 20) => log.trimEnd().split("\n").slice(-lines).join("\n"),
    ready: async (ms) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (!running()) throw new Error(`the gateway exited before it was ready:\n${log.slice(-4000)}`);
        try {
          if ((await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) })).status === 200) return;
        } catch {
          // not listening yet
        }
        await sleep(100);
      }
      throw new Error(`the gateway was not ready within ${ms} ms:\n${log.slice(-4000)}`);
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The promise's value, or undefined once `ms` pass; the timer is cleared either way, so it never holds the process open. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** SIGTERM, then the exit; undefined (and SIGKILL) when it has not exited within `ms`. */
export async function stopGateway(gateway: Gateway, ms = 30_000): Promise<GatewayExit | undefined> {
  if (!gateway.running()) return gateway.exited;
  gateway.child.kill("SIGTERM");
  const exit = await within(gateway.exited, ms);
  if (!exit) {
    gateway.child.kill("SIGKILL");
    await gateway.exited;
  }
  return exit;
}
