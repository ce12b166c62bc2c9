import { randomFillSync } from "node:crypto";

export type IdPrefix = "key" | "stg" | "sig" | "dlv" | "ord" | "fil" | "pos" | "rsk" | "acc" | "bt" | "ps";

/** Prefixed ids: the prefix says what the id names, the rest is 96 random bits. */
export interface IdSource {
  next(prefix: IdPrefix): string;
}

// One randomFillSync call per 340 ids instead of one per id: the call, not the entropy, is the cost.
const POOL = Buffer.alloc(4092);
let offset = POOL.length;

function random12(): Buffer {
  if (offset + 12 > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const bytes = POOL.subarray(offset, offset + 12);
  offset += 12;
  return bytes;
}

export const randomIds: IdSource = {
  next: (prefix) => `${prefix}_${random12().toString("base64url")}`,
};
