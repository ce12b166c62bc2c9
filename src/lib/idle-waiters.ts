/**
 * Workers that poll, and can be woken early: `idle()` resolves after `pollMs`, or as soon as
 * `wakeOne` or `wakeAll` picks it. Each waiter is resolved once and forgotten.
 */
export function createIdleWaiters(pollMs: number): { idle(): Promise<void>; wakeOne(): void; wakeAll(): void } {
  let waiters: Array<() => void> = [];
  return {
    idle: () =>
      new Promise<void>((resolve) => {
        const waiter = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          resolve();
        }, pollMs);
        waiters.push(waiter);
      }),
    wakeOne: () => waiters.shift()?.(),
    wakeAll: () => {
      const pending = waiters;
      waiters = [];
      for (const resolve of pending) resolve();
    },
  };
}
