import pino from "pino";
import type { Db } from "../../db/client.js";
import { systemClock, type Clock } from "../../lib/clock.js";
import { randomIds, type IdSource } from "../../lib/ids.js";
import { createLogger, type Logger } from "../../lib/logger.js";

/** What a candle feed needs besides the database; the container passes its own. */
export type CandleFeedServices = {
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly logger: Logger;
  /** Starts processing right after a commit instead of at the workers' next poll. */
  readonly wakeWorkers: () => void;
};

export type CandleFeedContext = CandleFeedServices & { readonly db: Db };

let standalone: CandleFeedServices | undefined;

/**
 * For an import whose caller injects nothing (the candle scripts): the real clock, random ids,
 * errors on stderr (stdout carries the scripts' report), and no wake-up: the gateway's workers
 * find the signals at their next poll, wherever they run.
 */
export function standaloneFeedServices(): CandleFeedServices {
  standalone ??= {
    clock: systemClock,
    ids: randomIds,
    logger: createLogger("info", pino.destination({ dest: 2, sync: true })).child({ component: "candle-feed" }),
    wakeWorkers: () => {},
  };
  return standalone;
}
