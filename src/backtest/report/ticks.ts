/** Axis ticks at round values: 1, 2 or 5 times a power of ten, and calendar-aligned UTC times. */

export type LinearTicks = { readonly min: number; readonly max: number; readonly step: number; readonly ticks: number[] };

export function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * power;
}

/** Widens [min, max] (min < max) to whole steps, about `target` intervals. */
export function niceLinearTicks(min: number, max: number, target = 5): LinearTicks {
  const step = niceStep((max - min) / target);
  const first = Math.floor(min / step);
  const last = Math.ceil(max / step);
  const ticks: number[] = [];
  // Multiplying whole numbers by the step keeps 0.1 + 0.2-style drift out of the tick values.
  for (let k = first; k <= last; k++) ticks.push(k * step + 0);
  return { min: first * step, max: last * step, step, ticks };
}

export type TimeTicks = { readonly ticks: number[]; readonly label: (t: number) => string };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const FIXED_STEPS = [MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY];
const MONTH_STEPS = [1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200];
const AVERAGE_MONTH = 30.436875 * DAY;

type Step = { readonly ms: number; readonly months: number };
const STEPS: readonly Step[] = [
  ...FIXED_STEPS.map((ms) => ({ ms, months: 0 })),
  ...MONTH_STEPS.map((months) => ({ ms: months * AVERAGE_MONTH, months })),
];

const iso = (t: number) => new Date(t).toISOString();
const dayAndTime = (t: number) => `${iso(t).slice(5, 10)} ${iso(t).slice(11, 16)}`;
const day = (t: number) => iso(t).slice(0, 10);
const month = (t: number) => iso(t).slice(0, 7);
const year = (t: number) => iso(t).slice(0, 4);
const monthStart = (index: number) => Date.UTC(Math.floor(index / 12), index % 12, 1);

/**
 * Ticks inside [t0, t1] (ms, UTC) at the round spacing whose count comes closest to `target`
 * without passing 1.5 × target (labels would collide), labelled as precisely as that spacing needs.
 */
export function timeTicks(t0: number, t1: number, target = 6): TimeTicks {
  if (!(t1 > t0)) return { ticks: [t0], label: (t) => `${day(t)} ${iso(t).slice(11, 16)}` };
  const span = t1 - t0;
  const fitting = STEPS.filter((s) => span / s.ms <= target * 1.5);
  const step = fitting.reduce<Step | undefined>(
    (best, s) => (best === undefined || Math.abs(span / s.ms - target) < Math.abs(span / best.ms - target) ? s : best),
    undefined,
  ) ?? STEPS[STEPS.length - 1]!;

  const ticks: number[] = [];
  if (step.months === 0) {
    for (let t = Math.ceil(t0 / step.ms) * step.ms; t <= t1; t += step.ms) ticks.push(t);
    return { ticks, label: step.ms < DAY ? dayAndTime : day };
  }
  const start = new Date(t0);
  let index = start.getUTCFullYear() * 12 + start.getUTCMonth();
  if (monthStart(index) < t0) index++;
  index = Math.ceil(index / step.months) * step.months;
  for (let t = monthStart(index); t <= t1; index += step.months, t = monthStart(index)) ticks.push(t);
  return { ticks, label: step.months < 12 ? month : year };
}
