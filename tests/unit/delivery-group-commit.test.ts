import { describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { CommitTimeoutError, DeliveryGroupCommit } from "../../src/db/repositories/delivery-group-commit.js";
import type { DeliveryCommit } from "../../src/db/repositories/delivery-statement.js";

function delivery(id: string): DeliveryCommit {
  const now = new Date("2026-01-01T00:00:00Z");
  return {
    strategyId: "stg_1",
    deliveryId: id,
    dedupe: { key: `key-${id}`, expiresAt: null },
    now,
    rows: [],
    source: "tradingview",
    notes: [],
    format: null,
    rawBody: "{}",
    contentType: null,
    sourceAddress: null,
    alertId: null,
    webhookId: null,
    webhookTimestamp: null,
    receivedAt: now,
  };
}

/**
 * A database that answers the batch statement at once with one queued signal per delivery, as the
 * real statement does, except its first statement, which gets `first()`'s answer.
 */
function fakeDatabase(first: () => Promise<unknown[]>): { database: Database; batches: string[][] } {
  const batches: string[][] = [];
  const query = (_text: string, params: readonly unknown[]) => {
    const ids = (JSON.parse(params[0] as string) as { delivery_id: string }[]).map((d) => d.delivery_id);
    batches.push(ids);
    if (batches.length === 1) return first();
    return Promise.resolve(ids.map((id) => ({ id: `sig_${id}`, status: "queued", delivery_id: id, command_index: 0 })));
  };
  return { database: { query } as unknown as Database, batches };
}

/** Its first statement is never answered: a connection gone silent. */
const databaseThatHangsOnce = () => fakeDatabase(() => new Promise<never>(() => {}));

describe("the delivery group commit, when the database does not answer", () => {
  it("answers a delivery with CommitTimeoutError after its timeout, and commits the next ones without waiting for the stuck batch", async () => {
    const { database, batches } = databaseThatHangsOnce();
    const group = new DeliveryGroupCommit(database);

    const stuck = group.commit(delivery("dlv_stuck"), 50);
    const next = group.commit(delivery("dlv_next"), 5000);
    await expect(stuck).rejects.toBeInstanceOf(CommitTimeoutError);
    await expect(stuck).rejects.toThrow("did not confirm the commit within 50 ms");
    expect(await next).toEqual([{ id: "sig_dlv_next", status: "queued" }]);
    expect(batches).toEqual([["dlv_stuck"], ["dlv_next"]]);
  });

  it("does not send a delivery that timed out while it waited behind the stuck batch", async () => {
    const { database, batches } = databaseThatHangsOnce();
    const group = new DeliveryGroupCommit(database);

    const stuck = group.commit(delivery("dlv_stuck"), 80);
    const gaveUp = group.commit(delivery("dlv_gave_up"), 20);
    const after = group.commit(delivery("dlv_after"), 5000);
    await expect(gaveUp).rejects.toBeInstanceOf(CommitTimeoutError);
    await expect(stuck).rejects.toBeInstanceOf(CommitTimeoutError);
    expect(await after).toEqual([{ id: "sig_dlv_after", status: "queued" }]);
    // Answered 503 already: committing it now would store an alert its sender was told was not.
    expect(batches).toEqual([["dlv_stuck"], ["dlv_after"]]);
  });

  it("without a timeout, holds later deliveries until the batch before them is answered (the candle feeds' way)", async () => {
    let answer!: (rows: unknown[]) => void;
    const { database, batches } = fakeDatabase(() => new Promise((resolve) => (answer = resolve)));
    const group = new DeliveryGroupCommit(database);

    const first = group.commit(delivery("dlv_1"));
    const second = group.commit(delivery("dlv_2"));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(batches).toEqual([["dlv_1"]]);
    answer([{ id: "sig_dlv_1", status: "queued", delivery_id: "dlv_1", command_index: 0 }]);
    expect(await first).toEqual([{ id: "sig_dlv_1", status: "queued" }]);
    expect(await second).toEqual([{ id: "sig_dlv_2", status: "queued" }]);
    expect(batches).toEqual([["dlv_1"], ["dlv_2"]]);
  });
});
