import { describe, expect, it } from "vitest";
import { ReadWriteLock } from "../../src/lib/read-write-lock.js";

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("ReadWriteLock", () => {
  it("lets shared holders run together and makes the exclusive one wait for all of them", async () => {
    const lock = new ReadWriteLock();
    const events: string[] = [];
    const [a, b] = [gate(), gate()];
    const readA = lock.shared(async () => (events.push("a in"), await a.opened, events.push("a out")));
    const readB = lock.shared(async () => (events.push("b in"), await b.opened, events.push("b out")));
    const write = lock.exclusive(async () => events.push("w"));
    await tick();
    expect(events).toEqual(["a in", "b in"]);
    a.open();
    await tick();
    expect(events).toEqual(["a in", "b in", "a out"]);
    b.open();
    await Promise.all([readA, readB, write]);
    expect(events).toEqual(["a in", "b in", "a out", "b out", "w"]);
  });

  it("holds new shared holders back behind a waiting exclusive one, and releases on a throw", async () => {
    const lock = new ReadWriteLock();
    const events: string[] = [];
    const first = gate();
    const read = lock.shared(async () => (await first.opened, events.push("r1")));
    const write = lock.exclusive(async () => {
      events.push("w");
      throw new Error("boom");
    });
    const later = lock.shared(async () => events.push("r2"));
    await tick();
    expect(events).toEqual([]);
    first.open();
    await expect(write).rejects.toThrow("boom");
    await Promise.all([read, later]);
    expect(events).toEqual(["r1", "w", "r2"]);
  });
});
