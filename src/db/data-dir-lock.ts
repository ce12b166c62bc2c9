import { readFileSync, rmSync, writeFileSync } from "node:fs";

/**
 * PGlite is single-process: two gateways on one data directory would corrupt it. The first takes a
 * lock file holding its pid; a second start is refused while that pid lives, and a lock left by a
 * crashed process is taken over.
 */
export class DataDirLockedError extends Error {
  constructor(readonly lockFile: string, readonly pid: number) {
    super(
      `the embedded database is in use by another process (pid ${pid}); stop it, use another DATA_DIR, ` +
        `or delete ${lockFile} if no gateway runs`,
    );
    this.name = "DataDirLockedError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function lockDataDir(lockFile: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      return () => rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number.parseInt(readFileSync(lockFile, "utf8"), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new DataDirLockedError(lockFile, holder);
      }
      rmSync(lockFile, { force: true }); // stale: its process is gone
    }
  }
  throw new DataDirLockedError(lockFile, Number.NaN);
}
