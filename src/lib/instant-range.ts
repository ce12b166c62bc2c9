/**
 * The instants the gateway stores: PostgreSQL's timestamptz goes further (4713 BC to 294276 AD), but
 * a JavaScript Date prints years outside 1..9999 in a form the API and ISO 8601 readers do not take,
 * so both ends are cut to four-digit years. Anything outside is refused before it reaches SQL.
 */
export const MIN_INSTANT_MS = -62_135_596_800_000; // 0001-01-01T00:00:00.000Z
export const MAX_INSTANT_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

export function isStorableInstant(ms: number): boolean {
  return Number.isInteger(ms) && ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS;
}
