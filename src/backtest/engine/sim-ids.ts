import type { IdPrefix, IdSource } from "../../lib/ids.js";

/** Sequential ids (ord_1, fil_2, …): a backtest's books must not depend on randomness to be repeatable. */
export function sequentialIds(): IdSource {
  let n = 0;
  return { next: (prefix: IdPrefix) => `${prefix}_${++n}` };
}
