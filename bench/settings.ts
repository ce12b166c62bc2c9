/** Command-line flags of `npm run bench`, and the environment line printed above the results. */
import { availableParallelism, cpus, platform } from "node:os";
import { parseArgs } from "node:util";
import type { LoadSettings } from "./webhooks.js";

/** The closed-loop scenarios' settings, and the open-loop signal → fill scenario's rate and length. */
export const SECTIONS = ["webhooks", "signal", "pretrade", "live", "backtest"] as const;
export type Section = (typeof SECTIONS)[number];

export type BenchSettings = LoadSettings & { signalRate: number; signalDurationMs: number; liveOrders: number; sections: Set<Section> };

export function readSettings(): BenchSettings {
  const { values } = parseArgs({
    options: {
      connections: { type: "string", default: "32" },
      warmup: { type: "string", default: "1" },
      duration: { type: "string", default: "5" },
      "max-requests": { type: "string", default: "2000000" },
      "signal-rate": { type: "string", default: "200" },
      "signal-duration": { type: "string", default: "10" },
      "live-orders": { type: "string", default: "200" },
      only: { type: "string", default: SECTIONS.join(",") },
    },
  });
  const number = (flag: string, raw: string, min: number, max: number) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${flag} must be a number from ${min} to ${max}`);
    return n;
  };
  return {
    connections: Math.floor(number("connections", values.connections, 1, 1024)),
    warmupMs: number("warmup", values.warmup, 0, 60) * 1000,
    durationMs: number("duration", values.duration, 0.1, 120) * 1000,
    maxRequests: Math.floor(number("max-requests", values["max-requests"], 1, 50_000_000)),
    signalRate: number("signal-rate", values["signal-rate"], 1, 5000),
    signalDurationMs: number("signal-duration", values["signal-duration"], 1, 120) * 1000,
    liveOrders: Math.floor(number("live-orders", values["live-orders"], 1, 10_000)),
    sections: sectionsOf(values.only),
  };
}

/** `--only signal,pretrade`: the sections to run, for a quick look at one of them while working on it. */
function sectionsOf(raw: string): Set<Section> {
  const names = raw.split(",").map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) throw new Error(`--only takes a comma-separated list of ${SECTIONS.join(", ")}`);
  return new Set(names as Section[]);
}

export function printEnvironment(settings: BenchSettings): void {
  const cpuCount = availableParallelism();
  console.log(`node ${process.version} on ${platform()}, ${cpuCount} CPUs (${cpus()[0]?.model.trim() ?? "unknown"})`);
  console.log(
    `${settings.connections} keep-alive connections, ${settings.warmupMs / 1000} s warm-up, ` +
      `${settings.durationMs / 1000} s or ${settings.maxRequests} requests measured per scenario; ` +
      `signal → fill: ${settings.signalRate} signals/s open loop for ${settings.signalDurationMs / 1000} s`,
  );
  // With few cores the load generator and the server compete for CPU: trust ratios over absolutes.
  if (cpuCount < 4) console.log("note: few CPUs; the load generator shares them with the server under test");
}
