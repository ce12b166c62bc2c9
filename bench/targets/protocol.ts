/**
 * What a benchmark target child and the parent agree on. The port travels over the IPC channel, not
 * stdout, so a stray log line from the code under test can never be mistaken for the handshake.
 */

/** Fixed 40-character admin key: the gateway child sets it as API_KEY, the load generator presents it. */
export const BENCH_API_KEY = "bench-admin-key-0123456789abcdef01234567";

/** The only variables a gateway target reads exchange credentials from (the live section's test exchange). */
export const BENCH_EXCHANGE_CREDENTIAL_ENV = ["BENCH_EXCHANGE_KEY", "BENCH_EXCHANGE_SECRET"] as const;

/** Where the bare baseline takes its POSTs. */
export const BARE_WEBHOOK_PATH = "/webhook";

/** A gateway target's webhook: its URL path (with the secret token) and the strategy's key. */
export type WebhookInfo = { path: string; strategyKey: string };

export type ReadyMessage = { type: "ready"; port: number; webhook?: WebhookInfo };

export function isReadyMessage(value: unknown): value is ReadyMessage {
  const m = value as Partial<ReadyMessage> | null;
  return typeof m === "object" && m !== null && m.type === "ready" && typeof m.port === "number";
}

/** Tells the parent which ephemeral port the child is listening on (and, for a gateway, its webhook). */
export function reportReady(ready: Omit<ReadyMessage, "type">): void {
  if (!process.send) throw new Error("a benchmark target must be started with an IPC channel");
  // The parent may have gone while we booted; the "disconnect" handler below is already exiting.
  if (!process.connected) return;
  // With a callback, a send that races the parent's death reports there instead of crashing us
  // with an unhandled 'error'; the "disconnect" handler then cleans up and exits.
  process.send({ type: "ready", ...ready } satisfies ReadyMessage, undefined, {}, () => {});
}

/**
 * Runs cleanup once, then exits, on SIGTERM/SIGINT from the parent or when the IPC channel drops:
 * the latter means the parent died without killing us, and an orphaned server must not linger.
 * Call it before any slow start-up work, so a parent that gives up mid-boot is honoured too.
 */
export function exitWhenParentSaysSo(cleanup: () => Promise<void> | void): void {
  let exiting = false;
  const exit = async () => {
    if (exiting) return;
    exiting = true;
    try {
      await cleanup();
    } finally {
      process.exit(0);
    }
  };
  process.once("SIGTERM", () => void exit());
  process.once("SIGINT", () => void exit());
  process.once("disconnect", () => void exit());
}
