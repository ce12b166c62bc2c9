/**
 * `npm run bench`: starts a bare node:http baseline and the gateway (on PGlite, and on a scratch
 * PostgreSQL database when BENCH_PG_ADMIN_URL answers) in child processes, drives each scenario in
 * turn from this process, prints the tables and the goal's verdict, and exits non-zero if any
 * request failed or a ledger check did not add up. Then two more sections: signal received → paper
 * fill on PostgreSQL (a fresh gateway and scratch database, open-loop alerts at a fixed rate), and
 * the in-process pre-trade check (risk engine; strategy manager + sizing), each with its goal; and
 * live: what the gateway adds to an order on a local test exchange over calling it directly; and
 * backtest: candles per second through the whole code path next to a bare indicator loop.
 *
 * Flags: --connections N (32), --warmup S (1), --duration S (5), --max-requests N (2000000),
 * --signal-rate N (200), --signal-duration S (10), --live-orders N (200),
 * --only webhooks,signal,pretrade,live,backtest (all five).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runBacktestThroughput } from "./backtest.js";
import { runBacktestWebhooks } from "./backtest-webhooks.js";
import { calibrationLines } from "./calibration.js";
import { LIVE_ACCOUNT_ID, liveGatewayEnv, runLiveLatency, startBenchExchange, waitForAccount } from "./live-latency.js";
import { runLoad } from "./load.js";
import { runPretrade } from "./pretrade.js";
import { formatTable, formatVerdict, type ScenarioResult } from "./report.js";
import { createScratchDatabase, DEFAULT_PG_ADMIN_URL, type ScratchOutcome } from "./scratch-postgres.js";
import { printEnvironment, readSettings, type BenchSettings } from "./settings.js";
import { runSignalLatency, SIGNAL_STRATEGY_CONFIG } from "./signal-latency.js";
import { spawnTarget, targetScript, type Target } from "./spawn-target.js";
import { BENCH_API_KEY } from "./targets/protocol.js";
import { runBarePost, runWebhook } from "./webhooks.js";

type TargetSpec = { name: string; file: string; env?: Record<string, string> };

/** Starts every target; if one fails, the ones that did start are stopped before rethrowing. */
async function startTargets(specs: TargetSpec[]): Promise<Target[]> {
  const settled = await Promise.allSettled(specs.map((s) => spawnTarget(s.name, targetScript(s.file), s.env)));
  const started = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await Promise.all(started.map((t) => t.stop()));
    throw failed.reason;
  }
  return started;
}

/** Undo steps run once, newest first, whether the run ends, fails or is interrupted. */
function cleanupStack() {
  const steps: Array<() => Promise<void>> = [];
  let running: Promise<void> | undefined;
  return {
    add: (step: () => Promise<void>) => void steps.push(step),
    run: () =>
      (running ??= (async () => {
        for (const step of steps.reverse()) await step().catch((err: unknown) => console.error(`cleanup: ${String(err)}`));
      })()),
  };
}

async function measure(name: string, rows: ScenarioResult[], run: () => ReturnType<typeof runLoad>) {
  process.stderr.write(`running ${name} ...\n`);
  const result = await run();
  rows.push({ scenario: name, result });
  return result;
}

/**
 * Signal → fill on a gateway of its own, over a fresh scratch database (the webhook scenario's holds
 * thousands of signals, which would change what the workers' queries cost). False when it failed.
 */
async function signalLatencySection(settings: BenchSettings, adminUrl: string, firstPg: ScratchOutcome, cleanup: ReturnType<typeof cleanupStack>): Promise<boolean> {
  console.log();
  const skip = (reason: string) => {
    console.log(`signal -> fill latency skipped: ${reason} (set BENCH_PG_ADMIN_URL to an admin URL)`);
    console.log("goal: p99 <= 15 ms at 200 signals/s: NOT MEASURED");
    return true;
  };
  if (!firstPg.ok) return skip(`PostgreSQL did not answer: ${firstPg.reason}`);
  const pg = await createScratchDatabase(adminUrl);
  if (!pg.ok) return skip(`PostgreSQL did not answer: ${pg.reason}`);
  cleanup.add(pg.database.drop);
  process.stderr.write("running signal -> fill (PostgreSQL, open loop) ...\n");
  const env = { BENCH_DATABASE_URL: pg.database.url, BENCH_STRATEGY_CONFIG: JSON.stringify(SIGNAL_STRATEGY_CONFIG) };
  const target = await spawnTarget("gateway for signal -> fill", targetScript("gateway-server.ts"), env);
  cleanup.add(target.stop);
  try {
    const outcome = await runSignalLatency(target, pg.database.url, {
      rate: settings.signalRate,
      warmupMs: settings.warmupMs,
      durationMs: settings.signalDurationMs,
    });
    for (const line of outcome.lines) console.log(line);
    for (const error of outcome.errors) console.error(`\n${error}`);
    return outcome.ok;
  } finally {
    await target.stop();
  }
}

/**
 * Live orders through a gateway of its own, on a scratch PostgreSQL database when PostgreSQL
 * answers, else PGlite, against a test exchange in this process. False when it failed.
 */
async function liveSection(settings: BenchSettings, adminUrl: string, firstPg: ScratchOutcome, cleanup: ReturnType<typeof cleanupStack>): Promise<boolean> {
  console.log();
  const pg = firstPg.ok ? await createScratchDatabase(adminUrl) : firstPg;
  if (pg.ok) cleanup.add(pg.database.drop);
  const database = pg.ok ? "PostgreSQL" : "PGlite";
  process.stderr.write(`running live order latency (${database}, one at a time) ...\n`);
  const exchange = await startBenchExchange();
  let closed: Promise<void> | undefined;
  const closeExchange = () => (closed ??= exchange.close());
  cleanup.add(closeExchange);
  const env = liveGatewayEnv(exchange, pg.ok ? pg.database.url : "");
  const target = await spawnTarget("gateway for live orders", targetScript("gateway-server.ts"), env);
  cleanup.add(target.stop);
  try {
    await waitForAccount(target.port);
    const outcome = await runLiveLatency(target, exchange, settings.liveOrders, database);
    for (const line of outcome.lines) console.log(line);
    for (const error of outcome.errors) console.error(`\n${error}`);
    return outcome.ok;
  } catch (err) {
    console.error(`\nlive (${LIVE_ACCOUNT_ID}): ${err instanceof Error ? err.message : String(err)}`);
    return false;
  } finally {
    await target.stop();
    await closeExchange();
  }
}

async function pretradeSection(): Promise<void> {
  process.stderr.write("running pre-trade check (in process) ...\n");
  console.log();
  for (const line of (await runPretrade()).lines) console.log(line);
}

/** Throughput in process, then webhook answers on a gateway of its own while backtests run. False when a request failed. */
async function backtestSection(settings: BenchSettings, adminUrl: string, firstPg: ScratchOutcome, cleanup: ReturnType<typeof cleanupStack>): Promise<boolean> {
  process.stderr.write("running backtest throughput (in process) ...\n");
  console.log();
  for (const line of (await runBacktestThroughput()).lines) console.log(line);
  console.log();
  const pg = firstPg.ok ? await createScratchDatabase(adminUrl) : firstPg;
  if (pg.ok) cleanup.add(pg.database.drop);
  const database = pg.ok ? "PostgreSQL" : "PGlite";
  process.stderr.write(`running webhooks during backtests (${database}) ...\n`);
  const env = { BENCH_DATABASE_URL: pg.ok ? pg.database.url : "", BENCH_STRATEGY_CONFIG: JSON.stringify(SIGNAL_STRATEGY_CONFIG) };
  const target = await spawnTarget("gateway for webhooks during backtests", targetScript("gateway-server.ts"), env);
  cleanup.add(target.stop);
  try {
    const rate = Math.min(settings.signalRate, 100);
    const outcome = await runBacktestWebhooks(target, { rate, durationMs: settings.signalDurationMs, database });
    for (const line of outcome.lines) console.log(line);
    return outcome.ok;
  } catch (err) {
    console.error(`\nwebhooks during backtests: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  } finally {
    await target.stop();
  }
}

/** The gateway targets run the compiled dist/, as `npm start` does: compile the current sources first. */
function buildDist(): void {
  process.stderr.write("compiling dist/ (what npm start runs) ...\n");
  const tsc = fileURLToPath(import.meta.resolve("typescript/bin/tsc"));
  const built = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit", cwd: fileURLToPath(new URL("..", import.meta.url)) });
  if (built.status !== 0) throw new Error(`tsc -p tsconfig.build.json exited with ${built.status ?? built.signal}`);
}

async function main(settings: BenchSettings, cleanup: ReturnType<typeof cleanupStack>): Promise<number> {
  const adminUrl = process.env.BENCH_PG_ADMIN_URL || DEFAULT_PG_ADMIN_URL;
  for (const line of await calibrationLines(adminUrl)) console.log(line);
  const pg = await createScratchDatabase(adminUrl);
  if (pg.ok) cleanup.add(pg.database.drop);
  else console.log(`PostgreSQL scenario skipped: ${pg.reason} (set BENCH_PG_ADMIN_URL to an admin URL)`);
  const webhooksOk = settings.sections.has("webhooks") ? await webhooksSection(settings, pg, cleanup) : true;
  const signalsOk = settings.sections.has("signal") ? await signalLatencySection(settings, adminUrl, pg, cleanup) : true;
  if (settings.sections.has("pretrade")) await pretradeSection();
  const liveOk = settings.sections.has("live") ? await liveSection(settings, adminUrl, pg, cleanup) : true;
  const backtestOk = settings.sections.has("backtest") ? await backtestSection(settings, adminUrl, pg, cleanup) : true;
  return webhooksOk && signalsOk && liveOk && backtestOk ? 0 : 1;
}

/** The GET and webhook scenarios against the bare baseline. False when a request failed or the ledger did not add up. */
async function webhooksSection(settings: BenchSettings, pg: ScratchOutcome, cleanup: ReturnType<typeof cleanupStack>): Promise<boolean> {
  console.log();
  const specs: TargetSpec[] = [
    { name: "bare", file: "bare-server.ts" },
    // "" is unset to the config, so a BENCH_DATABASE_URL in the shell cannot move this one off PGlite.
    // BENCH_STRATEGY_CONFIG "" likewise keeps the webhook scenario's strategy at the defaults.
    { name: "gateway on PGlite", file: "gateway-server.ts", env: { BENCH_DATABASE_URL: "", BENCH_STRATEGY_CONFIG: "" } },
    ...(pg.ok
      ? [{ name: "gateway on PostgreSQL", file: "gateway-server.ts", env: { BENCH_DATABASE_URL: pg.database.url, BENCH_STRATEGY_CONFIG: "" } }]
      : []),
  ];
  const targets = await startTargets(specs);
  cleanup.add(() => Promise.all(targets.map((t) => t.stop())).then(() => undefined));
  const [bare, pglite, postgres] = targets as [Target, Target, Target | undefined];

  // One scenario at a time: running them together would make them compete for the same CPUs.
  const gets: ScenarioResult[] = [];
  await measure("bare GET /healthz", gets, () => runLoad({ ...settings, port: bare.port, path: "/healthz" }));
  await measure("gateway GET /healthz", gets, () => runLoad({ ...settings, port: pglite.port, path: "/healthz" }));
  const auth = { authorization: `Bearer ${BENCH_API_KEY}` };
  await measure("gateway GET /v1/api-keys (auth)", gets, () =>
    runLoad({ ...settings, port: pglite.port, path: "/v1/api-keys", headers: auth }),
  );

  const posts: ScenarioResult[] = [];
  const ledgerLines: string[] = [];
  let ledgerOk = true;
  const barePost = await measure("bare POST /webhook", posts, () => runBarePost(bare, settings));
  const webhook = async (target: Target) => {
    const outcome = await runWebhook(target, settings);
    ledgerLines.push(outcome.ledgerLine);
    ledgerOk &&= outcome.ledgerOk;
    // Stopped at once: its workers would otherwise drain the backlog on the CPUs the next scenario uses.
    await target.stop();
    return outcome.result;
  };
  const onPostgres = postgres ? await measure("gateway webhook (PostgreSQL)", posts, () => webhook(postgres)) : undefined;
  await measure("gateway webhook (PGlite)", posts, () => webhook(pglite));

  console.log(`\nGET scenarios, ratios against the bare GET\n${formatTable(gets, { rate: "req/s", baseline: "bare GET" })}\n`);
  console.log("webhook scenarios (POST, unique alerts, every answer 202 = committed), ratios against the bare POST");
  console.log(`${formatTable(posts, { rate: "accepted/s", baseline: "bare POST" })}\n`);
  for (const line of ledgerLines) console.log(line);
  console.log(formatVerdict(onPostgres, barePost, settings.connections));

  const failing = [...gets, ...posts].filter((r) => r.result.errors > 0);
  for (const r of failing) console.error(`\n${r.scenario}: ${r.result.errors} errors, first: ${r.result.firstError}`);
  if (!ledgerOk) console.error("\nledger check failed: the ledger does not hold exactly the accepted alerts");
  return failing.length === 0 && ledgerOk;
}

const cleanup = cleanupStack();
// Ctrl-C must not leave servers, the gateway's temp data or the scratch PostgreSQL database behind.
process.once("SIGINT", () => void cleanup.run().finally(() => process.exit(130)));
Promise.resolve()
  .then(() => {
    const settings = readSettings();
    printEnvironment(settings);
    buildDist();
    return main(settings, cleanup);
  })
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  )
  .finally(() => cleanup.run());
