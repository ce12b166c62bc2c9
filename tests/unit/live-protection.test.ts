import { describe, expect, it } from "vitest";
import { isTriggered } from "../../src/execution/live/protection-watcher.js";

const stop = (side: "buy" | "sell", price: string) => ({ role: "stop_loss" as const, side, stopPrice: price, limitPrice: null });
const target = (side: "buy" | "sell", price: string) => ({ role: "take_profit" as const, side, stopPrice: null, limitPrice: price });

describe("a held stop or target fires when the price crosses it", () => {
  it("a long's stop (a sell) at or below its price, a short's (a buy) at or above", () => {
    expect([isTriggered(stop("sell", "2900"), "2900.01"), isTriggered(stop("sell", "2900"), "2900"), isTriggered(stop("sell", "2900"), "2899")]).toEqual([false, true, true]);
    expect([isTriggered(stop("buy", "3100"), "3099.99"), isTriggered(stop("buy", "3100"), "3100"), isTriggered(stop("buy", "3100"), "3200")]).toEqual([false, true, true]);
  });

  it("a long's target (a sell) at or above its price, a short's (a buy) at or below", () => {
    expect([isTriggered(target("sell", "3200"), "3199.99"), isTriggered(target("sell", "3200"), "3200"), isTriggered(target("sell", "3200"), "3300")]).toEqual([false, true, true]);
    expect([isTriggered(target("buy", "2800"), "2800.01"), isTriggered(target("buy", "2800"), "2800"), isTriggered(target("buy", "2800"), "2700")]).toEqual([false, true, true]);
  });

  it("never without a level", () => {
    expect(isTriggered({ role: "stop_loss", side: "sell", stopPrice: null, limitPrice: null }, "1")).toBe(false);
  });
});
