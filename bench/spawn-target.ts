/**
 * Starts a benchmark target in its own Node process, so the server under test never shares an event
 * loop (or a CPU-time budget) with the load generator.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { isReadyMessage, type WebhookInfo } from "./targets/protocol.js";

export type Target = {
  readonly name: string;
  readonly port: number;
  /** Set by gateway targets: where their benchmark strategy takes alerts. */
  readonly webhook: WebhookInfo | undefined;
  stop(): Promise<void>;
};

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;

// The children run TypeScript from source, like the parent does under `tsx bench/run.ts`.
const TSX_LOADER = import.meta.resolve("tsx");

export function targetScript(file: string): string {
  return fileURLToPath(new URL(`./targets/${file}`, import.meta.url));
}

/**
 * Spawns `script` and resolves once it reports its port; rejects (and kills it) if it never does.
 * `env` is added to the parent's environment (the PostgreSQL gateway gets its database this way).
 */
export function spawnTarget(name: string, script: string, env: Record<string, string> = {}): Promise<Target> {
  // BENCH_CPU_PROFILE_DIR=dir writes a V8 CPU profile of each target there when it exits (for perf work).
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
  const profile = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", TSX_LOADER, script], {
    env: { ...process.env, ...env },
    // stdout ignored: the handshake is on IPC. stderr inherited so a boot failure is visible.
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  return new Promise<Target>((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      void stopChild(child);
      reject(new Error(`${name}: ${reason}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.once("error", (err) => fail(err.message));
    child.once("exit", (code, signal) => fail(`exited before it was ready (code ${code}, signal ${signal})`));
    child.on("message", (message) => {
      if (!isReadyMessage(message)) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({ name, port: message.port, webhook: message.webhook, stop: () => stopChild(child) });
    });
  });
}

/** SIGTERM so the child can delete its temp data; SIGKILL if it has not gone after a grace period. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
