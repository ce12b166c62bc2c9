import type { StrategyCheck } from "../db/repositories/delivery-commit.js";
import type { StrategyRow } from "../db/schema/strategies.js";

/**
 * Strategies by webhook token hash, so an alert does not cost a database round trip before its
 * commit. Never trusted on its own: a delivery decided on a cached strategy carries what it relied
 * on (`checkOf`), its commit stores it only if the strategy is still so, and a stale entry is
 * forgotten and read again. Unknown tokens are not remembered, so guessing cannot fill it.
 */
export class StrategyTokenCache {
  private readonly entries = new Map<string, StrategyRow>();

  constructor(private readonly capacity = 1024) {}

  get(tokenHash: string): StrategyRow | undefined {
    return this.entries.get(tokenHash);
  }

  set(tokenHash: string, strategy: StrategyRow): void {
    this.entries.delete(tokenHash);
    // Map keeps insertion order: the first key is the one set longest ago.
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(tokenHash, strategy);
  }

  forget(tokenHash: string): void {
    this.entries.delete(tokenHash);
  }
}

/** The fields of a strategy an alert's acceptance rests on. */
export function checkOf(strategy: StrategyRow): StrategyCheck {
  return {
    key: strategy.key,
    tokenHash: strategy.webhookTokenHash,
    passphraseHash: strategy.passphraseHash,
    enabled: strategy.enabled,
    allowedSymbols: strategy.allowedSymbols,
  };
}
