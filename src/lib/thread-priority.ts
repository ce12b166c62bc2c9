import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";

/**
 * Lowers the calling thread's scheduling priority (Linux nice, per thread). A backtest's worker
 * thread can keep a core busy for minutes; at a low priority the kernel gives the CPU to the
 * gateway's event loop and the database first, so webhooks are answered promptly however long the
 * backtest runs. On Linux a thread's nice value is its own, and /proc/thread-self names its id. Best
 * effort: where that is not so (another OS, a sandbox), the thread keeps the normal priority.
 */
export function lowerThreadPriority(nice: number): boolean {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
