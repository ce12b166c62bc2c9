import { describe, expect, it } from "vitest";
import { isTradingViewAddress, normalizeAddress, parseTrustedProxies, resolveSourceAddress } from "../../src/ingest/source-address.js";

const proxies = (raw: string) => {
  const parsed = parseTrustedProxies(raw);
  if (!parsed.ok) throw new Error(parsed.bad.join());
  return parsed.proxies;
};

describe("resolveSourceAddress", () => {
  it("ignores X-Forwarded-For when no proxy is trusted", () => {
    expect(resolveSourceAddress("203.0.113.9", "52.89.214.238", proxies(""))).toBe("203.0.113.9");
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    expect(resolveSourceAddress("203.0.113.9", "52.89.214.238", proxies("10.0.0.0/8"))).toBe("203.0.113.9");
  });

  it("takes the right-most untrusted hop behind trusted proxies", () => {
    const p = proxies("10.0.0.0/8, 192.168.1.1");
    expect(resolveSourceAddress("10.0.0.5", "1.1.1.1, 52.89.214.238, 192.168.1.1", p)).toBe("52.89.214.238");
  });

  it("does not let a client spoof by prepending addresses", () => {
    expect(resolveSourceAddress("10.0.0.5", "52.89.214.238, 198.51.100.7", proxies("10.0.0.0/8"))).toBe("198.51.100.7");
  });

  it("stops at a garbled hop", () => {
    expect(resolveSourceAddress("10.0.0.5", "52.89.214.238, not-an-ip", proxies("10.0.0.0/8"))).toBe("10.0.0.5");
  });

  it("normalizes IPv4-mapped IPv6 peers", () => {
    expect(normalizeAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(resolveSourceAddress("::ffff:10.0.0.5", "52.32.178.7", proxies("10.0.0.5"))).toBe("52.32.178.7");
  });

  it("reports bad proxy entries", () => {
    expect(parseTrustedProxies("10.0.0.1, nope, 10.0.0.0/40")).toEqual({ ok: false, bad: ["nope", "10.0.0.0/40"] });
  });

  it("recognises exactly TradingView's published addresses", () => {
    expect(isTradingViewAddress("52.89.214.238")).toBe(true);
    expect(isTradingViewAddress("52.89.214.239")).toBe(false);
    expect(isTradingViewAddress(undefined)).toBe(false);
  });
});
