/**
 * `work`, or a rejection with `timedOut()` once `ms` have passed: for waits on a database or a
 * network that may never answer. `work` itself goes on; only the wait for it ends. The timer is
 * cleared either way, so it never holds the process open.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
