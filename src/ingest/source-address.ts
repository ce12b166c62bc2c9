import { BlockList, isIP } from "node:net";

/** TradingView's published webhook source addresses. */
export const TRADINGVIEW_ADDRESSES = ["52.89.214.238", "34.212.75.30", "54.218.53.128", "52.32.178.7"] as const;

/** "::ffff:1.2.3.4" (how Node reports IPv4 peers on dual-stack sockets) → "1.2.3.4". */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim().replace(/^\[|\]$/g, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return mapped?.[1] ?? trimmed;
}

export type TrustedProxies = { list: BlockList; empty: boolean };

/** Parses "10.0.0.1, 10.1.0.0/16, ::1" into a matcher; returns the bad entries, if any. */
export function parseTrustedProxies(raw: string | undefined): { ok: true; proxies: TrustedProxies } | { ok: false; bad: string[] } {
  const list = new BlockList();
  const bad: string[] = [];
  const entries = (raw ?? "").split(/[\s,]+/).filter(Boolean);
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const family = isIP(address);
    if (family === 0) {
      bad.push(entry);
      continue;
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(address, type);
    else {
      const bits = Number(prefix);
      if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) bad.push(entry);
      else list.addSubnet(address, bits, type);
    }
  }
  return bad.length ? { ok: false, bad } : { ok: true, proxies: { list, empty: entries.length === 0 } };
}

function isTrusted(proxies: TrustedProxies, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && proxies.list.check(address, family === 4 ? "ipv4" : "ipv6");
}

/**
 * The client's address. X-Forwarded-For is believed only when the peer is a trusted proxy, and then
 * read from the right, skipping further trusted proxies: the first untrusted hop is the client.
 * Anything to its left was written by the client and proves nothing.
 */
export function resolveSourceAddress(peer: string | undefined, forwardedFor: string | undefined, proxies: TrustedProxies): string | undefined {
  if (!peer) return undefined;
  let address = normalizeAddress(peer);
  if (proxies.empty || !forwardedFor || !isTrusted(proxies, address)) return address;
  const hops = forwardedFor.split(",").map(normalizeAddress).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (isIP(hop) === 0) return address; // a garbled header: stop at the last address we can vouch for
    address = hop;
    if (!isTrusted(proxies, hop)) return hop;
  }
  return address;
}

export function isTradingViewAddress(address: string | undefined): boolean {
  return address !== undefined && (TRADINGVIEW_ADDRESSES as readonly string[]).includes(address);
}
