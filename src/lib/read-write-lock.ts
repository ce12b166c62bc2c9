/**
 * An in-process readers-writer lock: any number of shared holders, or one exclusive holder. A
 * waiting exclusive request holds back new shared ones, so a stream of readers cannot starve it
 * (the kill switch must win against a busy order flow).
 */
export class ReadWriteLock {
  #readers = 0;
  #writer = false;
  #waitingWriters = 0;
  #queue: Array<() => void> = [];

  async shared<T>(work: () => Promise<T>): Promise<T> {
    while (this.#writer || this.#waitingWriters > 0) await this.#wait();
    this.#readers++;
    try {
      return await work();
    } finally {
      this.#readers--;
      this.#wakeAll();
    }
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.#waitingWriters++;
    try {
      while (this.#writer || this.#readers > 0) await this.#wait();
    } finally {
      this.#waitingWriters--;
    }
    this.#writer = true;
    try {
      return await work();
    } finally {
      this.#writer = false;
      this.#wakeAll();
    }
  }

  #wait(): Promise<void> {
    return new Promise((resolve) => this.#queue.push(resolve));
  }

  #wakeAll(): void {
    const waiting = this.#queue;
    this.#queue = [];
    for (const wake of waiting) wake();
  }
}
