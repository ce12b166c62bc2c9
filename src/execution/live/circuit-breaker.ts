import type { Clock } from "../../lib/clock.js";

export type BreakerConfig = {
  /** Consecutive transient failures that open the circuit. */
  failureThreshold: number;
  /** How long it stays open before one trial request is let through. */
  coolDownMs: number;
};

export const DEFAULT_BREAKER: BreakerConfig = { failureThreshold: 5, coolDownMs: 30_000 };

export type BreakerState =
  | { state: "closed"; failures: number }
  | { state: "open"; since: Date; cause: "failures" | "auth" }
  | { state: "half-open"; trialInFlight: boolean };

/**
 * Per account: opens after `failureThreshold` consecutive transient failures, or at once on an
 * authentication failure (a revoked key does not get better by hammering it); after the cool-down
 * one trial request passes (half-open), and its success closes the circuit, its failure reopens it.
 * A venue rejection (insufficient funds, bad order) proves the venue reachable: it counts as success.
 */
export class CircuitBreaker {
  private current: BreakerState = { state: "closed", failures: 0 };

  constructor(
    private readonly config: BreakerConfig,
    private readonly clock: Clock,
  ) {}

  /** The state now, moving open → half-open when the cool-down has passed. */
  state(): BreakerState {
    const s = this.current;
    if (s.state === "open" && this.clock.now().getTime() - s.since.getTime() >= this.config.coolDownMs) {
      this.current = { state: "half-open", trialInFlight: false };
    }
    return this.current;
  }

  /** Whether a request may go out now; in half-open, only the first caller gets the trial. */
  tryAcquire(): boolean {
    const s = this.state();
    if (s.state === "closed") return true;
    if (s.state === "open" || s.trialInFlight) return false;
    this.current = { state: "half-open", trialInFlight: true };
    return true;
  }

  /** Whether a request could go out now, without claiming the half-open trial. */
  isOpen(): boolean {
    const s = this.state();
    return s.state === "open" || (s.state === "half-open" && s.trialInFlight);
  }

  onSuccess(): void {
    this.current = { state: "closed", failures: 0 };
  }

  onTransientFailure(): void {
    const s = this.state();
    if (s.state === "half-open") return this.open("failures");
    if (s.state === "open") return;
    const failures = s.failures + 1;
    if (failures >= this.config.failureThreshold) this.open("failures");
    else this.current = { state: "closed", failures };
  }

  onAuthFailure(): void {
    this.open("auth");
  }

  private open(cause: "failures" | "auth"): void {
    this.current = { state: "open", since: this.clock.now(), cause };
  }
}
