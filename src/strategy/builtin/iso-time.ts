const DAY_MS = 86_400_000;

let cachedDay = Number.NaN;
let cachedPrefix = "";

const pad2 = (n: number) => (n < 10 ? "0" : "") + n;
const pad3 = (n: number) => (n < 10 ? "00" : n < 100 ? "0" : "") + n;

/**
 * `new Date(ms).toISOString()`, character for character, without a Date per call: a backtest stamps
 * every signal, and consecutive bars share their day, whose text is formatted once. Throws like
 * toISOString for an instant a Date cannot hold.
 */
export function isoTime(instant: number): string {
  // A Date keeps whole milliseconds, truncated toward zero.
  const ms = Math.trunc(instant);
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    // Validates too: NaN and out-of-range instants throw RangeError here, as toISOString does.
    const prefix = new Date(instant).toISOString().slice(0, -13);
    cachedDay = day;
    cachedPrefix = prefix;
  }
  let rest = ms - day * DAY_MS;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  return `${cachedPrefix}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(millis)}Z`;
}
