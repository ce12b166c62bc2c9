import { describe, expect, it } from "vitest";
import { clientOrderIdOf } from "../../src/execution/client-order-id.js";
import { fallbackLeg } from "../../src/execution/limit-fallback/due.js";
import type { PlannedOrder } from "../../src/strategy/manager/index.js";
import { config, plan, signal } from "./strategy-manager-fixtures.js";

// A signal that runs again (a crash, a lost claim) is planned again from the position as it is
// then, and each order it already sent must be found by its client order id, not sent twice.
const origin = { signalId: "sig_rerun" };
const idOf = (order: PlannedOrder | undefined) => (order ? clientOrderIdOf(origin, order.leg, order.role) : undefined);
const entryOf = (orders: PlannedOrder[]) => orders.find((o) => o.role === "entry");

describe("client order ids of a signal run again", () => {
  const reverse = signal({ intent: { action: "reverse", side: "short" }, quantity: { value: "0.1", unit: "base" } });
  const pyramiding = config({ pyramiding: true });

  it("keeps a reversal's entry id when the exit filled before the crash and the plan is made again from flat", () => {
    const first = plan({ signal: reverse, position: "0.25", config: pyramiding });
    const again = plan({ signal: reverse, config: pyramiding });
    expect(first.orders.map((o) => [o.role, o.leg])).toEqual([["exit", 0], ["entry", 1]]);
    expect(again.orders.map((o) => [o.role, o.leg])).toEqual([["entry", 0]]);
    expect(idOf(entryOf(again.orders))).toBe(idOf(entryOf(first.orders)));
  });

  it("keeps it when the entry had filled too, so the run again finds that order instead of adding to the position", () => {
    const first = plan({ signal: reverse, position: "0.25", config: pyramiding });
    const again = plan({ signal: reverse, position: "-0.1", config: pyramiding });
    expect(again.orders.map((o) => o.role)).toEqual(["entry"]);
    expect(idOf(entryOf(again.orders))).toBe(idOf(entryOf(first.orders)));
  });

  it("tells the exit from the entry, a limit's fallback from both, and one signal from another", () => {
    const [exit, entry] = plan({ signal: reverse, position: "0.25", config: pyramiding }).orders;
    if (!exit || !entry) throw new Error("a reversal plans two orders");
    const ids = [
      idOf(exit),
      idOf(entry),
      clientOrderIdOf(origin, fallbackLeg(exit.leg), "exit"),
      clientOrderIdOf(origin, fallbackLeg(entry.leg), "entry"),
      clientOrderIdOf({ signalId: "sig_other" }, entry.leg, "entry"),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^sg[0-9a-f]{28}$/);
  });
});
