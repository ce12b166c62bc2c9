import type { Intent } from "../../domain/signal.js";
import type { Bar, BarStrategy, StrategySignal } from "./bar-strategy.js";
import { CLOSE_LONG, CLOSE_SHORT, OPEN_LONG, OPEN_SHORT, signal } from "./intents.js";

export type EnsembleMember = {
  /** How the member appears in the vote comment: "rsi(14)". */
  readonly label: string;
  readonly strategy: BarStrategy;
};

export type EnsembleOptions = { readonly threshold: number; readonly allowShort: boolean };

const LONG = 1;
const FLAT = 0;
const SHORT = -1;
const STANCE_NAMES = { [LONG]: "long", [FLAT]: "flat", [SHORT]: "short" } as const;

/** The stance a member holds after its own signal (built-ins only open and close). */
function stanceAfter(intent: Intent): number {
  if (intent.action === "close") return FLAT;
  if (intent.side === "long") return LONG;
  return intent.side === "short" ? SHORT : FLAT;
}

/**
 * A vote of member strategies. Each member's stance follows its own signals; after every bar the
 * ensemble goes long when the share of long members reaches `threshold`, and closes when it falls
 * below (short mirrors it with allowShort). With threshold 0.5 a long half and a short half tie:
 * a flat ensemble stays flat and a held side is kept, since neither side has a majority.
 */
export class EnsembleStrategy implements BarStrategy {
  readonly #members: readonly BarStrategy[];
  readonly #labels: readonly string[];
  readonly #stances: Int8Array;
  readonly #threshold: number;
  readonly #allowShort: boolean;
  #state = FLAT;

  constructor(members: readonly EnsembleMember[], options: EnsembleOptions) {
    if (members.length === 0) throw new RangeError("an ensemble needs at least one member");
    this.#members = members.map((m) => m.strategy);
    this.#labels = members.map((m) => m.label);
    this.#stances = new Int8Array(members.length);
    this.#threshold = options.threshold;
    this.#allowShort = options.allowShort;
  }

  onBar(bar: Bar): StrategySignal | null {
    const members = this.#members;
    const stances = this.#stances;
    const n = members.length;
    let longs = 0;
    let shorts = 0;
    for (let i = 0; i < n; i++) {
      const s = members[i]!.onBar(bar);
      if (s !== null) stances[i] = stanceAfter(s.intent);
      const stance = stances[i];
      if (stance === LONG) longs++;
      else if (stance === SHORT) shorts++;
    }
    const longShare = longs / n;
    const shortShare = shorts / n;
    const wantLong = longShare >= this.#threshold;
    const wantShort = this.#allowShort && shortShare >= this.#threshold;

    if (this.#state === LONG) {
      if (wantLong) return null;
      if (wantShort) return this.#move(SHORT, OPEN_SHORT, shortShare, "short", shorts, ">=");
      return this.#move(FLAT, CLOSE_LONG, (n - longs) / n, "long", longs, "<");
    }
    if (this.#state === SHORT) {
      if (wantShort) return null;
      if (wantLong) return this.#move(LONG, OPEN_LONG, longShare, "long", longs, ">=");
      return this.#move(FLAT, CLOSE_SHORT, (n - shorts) / n, "short", shorts, "<");
    }
    if (wantLong && !wantShort) return this.#move(LONG, OPEN_LONG, longShare, "long", longs, ">=");
    if (wantShort && !wantLong) return this.#move(SHORT, OPEN_SHORT, shortShare, "short", shorts, ">=");
    return null;
  }

  /**
   * Moves to `state` and explains it: "long 2/3 >= 0.6: rsi(14) long, macd(12,26,9) long, ...".
   * A close's confidence is the share of members no longer on that side.
   */
  #move(state: number, intent: Intent, confidence: number, side: string, count: number, cmp: string) {
    this.#state = state;
    const votes = this.#labels.map((label, i) => `${label} ${STANCE_NAMES[this.#stances[i] as -1 | 0 | 1]}`);
    const head = `${side} ${count}/${this.#labels.length} ${cmp} ${this.#threshold}`;
    return signal(intent, `${head}: ${votes.join(", ")}`, confidence);
  }
}
