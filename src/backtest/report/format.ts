/** Display formatting for the report: fixed locale and UTC, so a report reads the same on any server. */

export const MISSING = "—";

const numberFormats = new Map<number, Intl.NumberFormat>();
const percentFormats = new Map<number, Intl.NumberFormat>();

function numberFormat(digits: number): Intl.NumberFormat {
  let f = numberFormats.get(digits);
  if (!f) {
    f = new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    numberFormats.set(digits, f);
  }
  return f;
}

function percentFormat(digits: number): Intl.NumberFormat {
  let f = percentFormats.get(digits);
  if (!f) {
    f = new Intl.NumberFormat("en-US", { style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits });
    percentFormats.set(digits, f);
  }
  return f;
}

/** Metrics can be null (undefined for the data) or infinite (a profit factor without a loss). */
function special(value: number | null): string | undefined {
  // typeof also catches undefined: report input may come from stored JSON.
  if (typeof value !== "number" || Number.isNaN(value)) return MISSING;
  if (value === Infinity) return "∞";
  if (value === -Infinity) return "−∞";
  return undefined;
}

// `+ 0` turns -0 into 0, so a rounded tiny negative never shows as "-0.00".
export function formatNumber(value: number | null, digits = 2): string {
  return special(value) ?? numberFormat(digits).format(value! + 0);
}

/** A fraction as a percentage: 0.1234 → "12.34%". */
export function formatPercent(value: number | null, digits = 2): string {
  return special(value) ?? percentFormat(digits).format(value! + 0);
}

export function formatInteger(value: number | null): string {
  return formatNumber(value, 0);
}

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
];

/** A duration in its two largest units: 273_600_000 → "3d 4h"; under a second → "0s". */
export function formatDuration(ms: number | null): string {
  const s = special(ms);
  if (s !== undefined) return s;
  let rest = Math.max(0, Math.round(ms!));
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    if (parts.length === 2) break;
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count}${unit}`);
  }
  const shown = parts.filter((p) => !p.startsWith("0"));
  return shown.length > 0 ? shown.join(" ") : "0s";
}

/** "2024-03-01 14:05 UTC"-style text without the zone suffix: the page states once that times are UTC. */
// Date covers ±8.64e15 ms; beyond that toISOString throws.
const validTime = (ms: number) => Number.isFinite(ms) && Math.abs(ms) <= 8.64e15;

export function formatDateTime(ms: number): string {
  if (!validTime(ms)) return MISSING;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

export function formatDate(ms: number): string {
  return validTime(ms) ? new Date(ms).toISOString().slice(0, 10) : MISSING;
}

/** Decimals a tick label needs so that ticks `step` apart read as distinct: step 0.05 → 2, 500 → 0. */
export function decimalsForStep(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  return Math.min(12, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
}
