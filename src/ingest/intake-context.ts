import type { Logger } from "../lib/logger.js";
import type { IntakeMetrics } from "../metrics/port.js";
import type { AbuseGuard } from "./abuse-guard.js";
import type { LedgerContext } from "./ledger.js";
import type { TrustedProxies } from "./source-address.js";
import type { StrategyTokenCache } from "./strategy-token-cache.js";
import type { WebhookSecret } from "./standard-webhooks.js";

/** Everything the two intake routes need, built once in the container. */
export type IntakeContext = LedgerContext & {
  logger: Logger;
  guard: AbuseGuard;
  trustedProxies: TrustedProxies;
  tradingViewAllowlist: boolean;
  dedupeWindowSeconds: number;
  webhookSecrets: WebhookSecret[];
  /** Starts processing right after a commit instead of at the next poll; `lanes`: what the commit queued. */
  wakeWorkers: (lanes?: readonly string[]) => void;
  /** Strategies by webhook token hash; every use is checked at commit. */
  strategyCache: StrategyTokenCache;
  /** Counts each delivery's outcome. */
  metrics: IntakeMetrics;
};
