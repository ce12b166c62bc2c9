/**
 * The in-process pre-trade path, timed call by call in this process (no HTTP, no database): the risk
 * engine's evaluateOrder on a realistic context, and the strategy manager with sizing (planOrders +
 * sizeOrder) as the signal handler runs them. Inputs are built once; only the calls are timed.
 */
import { plain } from "../src/domain/decimal.js";
import { DEFAULT_STRATEGY_CONFIG } from "../src/domain/strategy-config.js";
import type { CanonicalSignal } from "../src/domain/signal.js";
import { paperMarket } from "../src/execution/paper/paper-markets.js";
import { parseTradingViewAlert } from "../src/ingest/tradingview/index.js";
import { RiskLimitsSchema } from "../src/risk/limits.js";
import { evaluateOrder } from "../src/risk/risk-engine.js";
import { sizeOrder } from "../src/risk/sizing.js";
import { RISK_RULES, type OrderRequest, type RiskContext } from "../src/risk/types.js";
import { planOrders } from "../src/strategy/manager/index.js";
import { percentile } from "./load.js";
import { formatRows } from "./signal-latency.js";

/** The goal for the in-process pre-trade check. */
export const PRETRADE_GOAL = { maxP99Us: 1000 };

export type PretradeSettings = { warmupCalls: number; calls: number };
export const DEFAULT_PRETRADE: PretradeSettings = { warmupCalls: 2_000, calls: 20_000 };

type Timing = {
  name: string;
  short: string;
  p50: number;
  p99: number;
  max: number;
  mean: number;
  calls: number;
  /** Calls over 1 ms, and how many of them overlapped a garbage collection pause. */
  slow: number;
  slowInGc: number;
  gc: { count: number; totalMs: number; maxMs: number };
  /** This process's CPU time over the wall time of the timed loop: below 1, it was waiting for a CPU. */
  onCpu: number;
  /** p99 of the process's CPU time (all its threads, GC helpers included) per call: the wall time less time off the CPU. */
  cpuP99: number;
};

/**
 * Times `fn` call by call: `warmup` untimed calls first, so the JIT has compiled what it will. The
 * tail is attributed, not guessed: garbage collection pauses are observed, and the process's CPU
 * time is compared with the wall time (other processes taking the CPU show as time off it).
 */
async function time(name: string, short: string, settings: PretradeSettings, fn: () => unknown): Promise<Timing> {
  for (let i = 0; i < settings.warmupCalls; i++) fn();
  const pauses: Array<[number, number]> = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push([entry.startTime, entry.startTime + entry.duration]);
  });
  observer.observe({ entryTypes: ["gc"] });
  const starts = new Float64Array(settings.calls);
  const samples = new Float64Array(settings.calls);
  const cpuSamples = new Float64Array(settings.calls);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let i = 0; i < settings.calls; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    samples[i] = (performance.now() - t0) * 1000;
    const c = process.cpuUsage(c0);
    starts[i] = t0;
    cpuSamples[i] = c.user + c.system;
  }
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  // GC entries are delivered asynchronously: let them arrive before reading them.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  let slow = 0;
  let slowInGc = 0;
  for (let i = 0; i < settings.calls; i++) {
    if ((samples[i] ?? 0) <= 1000) continue;
    slow++;
    const from = starts[i] ?? 0;
    const to = from + (samples[i] ?? 0) / 1000;
    if (pauses.some(([a, b]) => a < to && b > from)) slowInGc++;
  }
  const gcMs = pauses.map(([a, b]) => b - a);
  const total = samples.reduce((a, b) => a + b, 0);
  samples.sort();
  cpuSamples.sort();
  return {
    name,
    short,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: samples[samples.length - 1] ?? Number.NaN,
    mean: total / settings.calls,
    calls: settings.calls,
    slow,
    slowInGc,
    gc: { count: gcMs.length, totalMs: gcMs.reduce((a, b) => a + b, 0), maxMs: Math.max(0, ...gcMs) },
    onCpu: (cpu.user + cpu.system) / 1000 / wallMs,
    cpuP99: percentile(cpuSamples, 99),
  };
}

function market(symbol: string) {
  const rules = paperMarket(symbol);
  if (!rules) throw new Error(`pre-trade bench: the paper venue lists no ${symbol}`);
  return rules;
}

/**
 * The account the check sees: three open positions (BTC for this strategy, ETH and SOL for others),
 * four orders in the last minute, a small loss today, the default limits; the order is a 0.001 BTC
 * market buy that passes every rule, so the whole rule chain runs.
 */
function riskInputs(now: Date): { request: OrderRequest; context: RiskContext } {
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const btc = { symbol: "BTC/USDT", quantity: "0.004", markPrice: "100000", contractSize: "1" };
  const context: RiskContext = {
    market: market("BTC/USDT"),
    tradingStates: { global: "ACTIVE", account: "ACTIVE", strategy: "ACTIVE" },
    positions: {
      strategy: [btc],
      account: [btc, { symbol: "ETH/USDT", quantity: "0.05", markPrice: "3500", contractSize: "1" }, { symbol: "SOL/USDT", quantity: "1", markPrice: "200", contractSize: "1" }],
    },
    openPositionsCount: 3,
    equity: "10012.40",
    dailyPnl: { realized: "-3.10", unrealized: "1.85", since },
    recentOrderTimes: [50_000, 31_000, 12_000, 4_000].map((ago) => new Date(now.getTime() - ago)),
    limits: RiskLimitsSchema.parse({}),
  };
  const request: OrderRequest = {
    accountId: "acc_paper",
    strategyId: "stg_bench",
    symbol: "BTC/USDT",
    side: "buy",
    kind: "market",
    quantity: "0.001",
    reduceOnly: false,
    referencePrice: "100000",
    referencePriceAt: new Date(now.getTime() - 250),
  };
  return { request, context };
}

/** The alert the latency scenario sends, parsed by the real TradingView parser: a buy against a short, i.e. a reversal. */
function planInputs() {
  const parsed = parseTradingViewAlert({ body: '{"ticker":"BTCUSDT","action":"buy","quantity":"0.001","price":"100000"}', contentType: "application/json" });
  if (!parsed.outcome.ok) throw new Error(`pre-trade bench: the alert did not parse (${parsed.outcome.code})`);
  const signal = parsed.outcome.signals[0] as CanonicalSignal;
  return { signal, config: DEFAULT_STRATEGY_CONFIG, rules: market(signal.symbol), position: { quantity: "-0.001" }, referencePrice: signal.referencePrice, equity: "10012.40" };
}

/** Strategy manager + sizing for one signal, as the signal handler runs them: plan, then size every sized leg. */
function planAndSize(input: ReturnType<typeof planInputs>): string[] {
  const { signal, config, rules, position, referencePrice, equity } = input;
  const plan = planOrders({ signal, config, position, rules, referencePrice });
  const quantities: string[] = [];
  for (const leg of plan.orders) {
    if (leg.quantity.type === "exact") {
      quantities.push(leg.quantity.value);
      continue;
    }
    const signalQuantity = leg.quantity.signalQuantity;
    const sized = sizeOrder({
      ...(signalQuantity ? { signalQuantity } : {}),
      policy: config.sizing,
      ...(referencePrice ? { referencePrice } : {}),
      ...(leg.stopLoss ? { stopPrice: leg.stopLoss.price } : {}),
      equity,
      positionQuantity: position.quantity,
      rules,
    });
    if (!sized.ok) throw new Error(`pre-trade bench: sizing denied (${sized.reason})`);
    quantities.push(plain(sized.quantity));
  }
  return quantities;
}

export async function runPretrade(settings: PretradeSettings = DEFAULT_PRETRADE): Promise<{ lines: string[] }> {
  const now = new Date();
  const { request, context } = riskInputs(now);
  // Checked once before timing: a denial by an early rule would time a short cut, not the check.
  const decision = evaluateOrder(request, context, now);
  if (decision.outcome !== "approved" || decision.checks.length !== RISK_RULES.length) {
    throw new Error(`pre-trade bench: expected an approval through all ${RISK_RULES.length} rules, got ${decision.outcome} (${decision.reason}) after ${decision.checks.length}`);
  }
  const plan = planInputs();
  const legs = planAndSize(plan);
  if (legs.length !== 2) throw new Error(`pre-trade bench: expected a reversal (exit + entry), got ${legs.length} legs`);

  const timings = [
    await time(`risk engine: evaluateOrder (${RISK_RULES.length} rules, approved)`, "evaluateOrder", settings, () => evaluateOrder(request, context, now)),
    await time("strategy manager + sizing (reversal: exit + sized entry)", "manager + sizing", settings, () => planAndSize(plan)),
  ];
  const us = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "n/a");
  const table = formatRows(
    ["in-process, microseconds per call (wall)", "calls", "p50", "p99", "max", "mean", "p99 on CPU"],
    timings.map((t) => [t.name, String(t.calls), us(t.p50), us(t.p99), us(t.max), us(t.mean), us(t.cpuP99)]),
  );
  const risk = timings[0] as Timing;
  const met = risk.p99 <= PRETRADE_GOAL.maxP99Us;
  const where = timings.map(
    (t) =>
      `${t.short}: ${t.slow} calls over 1 ms wall, ${t.slowInGc} of them during a GC pause; ` +
      `${t.gc.count} GC pauses (${t.gc.totalMs.toFixed(1)} ms, longest ${t.gc.maxMs.toFixed(1)} ms); on CPU ${(t.onCpu * 100).toFixed(0)} % of the wall time`,
  );
  return {
    lines: [
      `pre-trade check in this process (no HTTP, no database): ${settings.warmupCalls} warm-up calls, then ${settings.calls} timed one by one;`,
      "context: 3 open positions, 4 orders in the last minute, default limits (RiskLimitsSchema.parse({})), paper market rules for BTC/USDT",
      "",
      table,
      "",
      ...where,
      "\"p99 on CPU\": this process's CPU time per call (getrusage, all threads): what the call costs when no other process takes the CPU.",
      `goal: pre-trade check (evaluateOrder) p99 <= ${PRETRADE_GOAL.maxP99Us / 1000} ms: ${met ? "MET" : "NOT MET"} (p99 ${us(risk.p99)} us wall, ${us(risk.cpuP99)} us on CPU)`,
    ],
  };
}
