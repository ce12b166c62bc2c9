/**
 * A signal's booking statements, sent without waiting for their answers. Each paper leg stores its
 * decision and books its order, fills and position; the next leg's snapshot, or the signal's last
 * statements, follow on the same connection. PostgreSQL runs a connection's statements in order, so
 * what comes next reads these rows as if each had been awaited. The difference is the round trip
 * saved per leg, during which the lane and its symbol lock are held.
 *
 * Everything written before the transaction commits must be known to have succeeded: the caller
 * settles before its last statements (see signal-handler.ts) and again on any failure, so that the
 * error reported is the write's own rather than "current transaction is aborted" from a statement
 * that merely followed it.
 */
export class WritesBehind {
  private pending: Array<Promise<void>> = [];
  private failure: { error: unknown } | undefined;

  /** `sent` is already issued on the transaction's connection; its failure is kept, never left unhandled. */
  add(sent: Promise<unknown>): void {
    this.pending.push(
      sent.then(
        () => undefined,
        (error: unknown) => {
          // Statements answer in the order they were sent: the first failure to arrive is the cause.
          this.failure ??= { error };
        },
      ),
    );
  }

  /** Waits for every write sent so far; throws the first that failed. */
  async settle(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
    if (this.failure) throw this.failure.error;
  }
}
