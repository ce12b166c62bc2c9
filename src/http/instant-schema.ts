import { z } from "@hono/zod-openapi";
import { isStorableInstant, MAX_INSTANT_MS } from "../lib/instant-range.js";

const MILLIS = /^\d{1,15}$/;
const ISO = z.iso.datetime({ offset: true });
const FORMAT = "must be milliseconds since the epoch or an ISO 8601 date-time";

// Only once the format holds: a malformed value gets one error, not a second one about its range.
const IN_RANGE = {
  error: "must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z",
  when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0,
};

/** Epoch milliseconds of an instant as the API takes it: digits are milliseconds, anything else ISO 8601. */
export function instantMillis(value: string | number): number {
  return typeof value === "number" ? value : MILLIS.test(value) ? Number(value) : Date.parse(value);
}

const isInstantText = (v: string | number) => typeof v === "number" || MILLIS.test(v) || ISO.safeParse(v).success;

/** An ISO 8601 date-time (with an offset) that the database can store; stays a string. */
export const isoInstant = () => ISO.refine((v) => isStorableInstant(Date.parse(v)), IN_RANGE);

/** Milliseconds since the epoch (digits) or an ISO 8601 date-time that the database can store; stays a string. */
export const instantText = () =>
  z
    .string()
    .refine(isInstantText, { error: FORMAT })
    .refine((v) => isStorableInstant(instantMillis(v)), IN_RANGE);

/** Like instantText, also taking the milliseconds as a JSON number; parses to epoch milliseconds. */
export const instantInput = () =>
  z
    .union([z.number().int().min(0).max(MAX_INSTANT_MS), z.string().max(40)])
    .refine(isInstantText, { error: FORMAT })
    .refine((v) => isStorableInstant(instantMillis(v)), IN_RANGE)
    .transform(instantMillis);
