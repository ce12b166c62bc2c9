import {
  AccountSuspended,
  AuthenticationError,
  BadResponse,
  BadSymbol,
  DDoSProtection,
  ExchangeNotAvailable,
  InsufficientFunds,
  InvalidNonce,
  InvalidOrder,
  NetworkError,
  OrderNotFound,
  PermissionDenied,
  RateLimitExceeded,
  RequestTimeout,
} from "ccxt";
import { describe, expect, it } from "vitest";
import { classifyVenueError, redactVenueText, retryAfterMs } from "../../src/execution/live/index.js";

const read = { phase: "read" } as const;
const submit = { phase: "submit" } as const;

describe("classifyVenueError", () => {
  it.each([
    [new DDoSProtection("x"), "VENUE_RATE_LIMITED"],
    [new RateLimitExceeded("x"), "VENUE_RATE_LIMITED"],
    [new ExchangeNotAvailable("x"), "VENUE_UNAVAILABLE"],
    [new RequestTimeout("x"), "VENUE_TIMEOUT"],
    [new NetworkError("x"), "VENUE_NETWORK"],
    [new InvalidNonce("x"), "VENUE_CLOCK_SKEW"],
  ])("reads: %s is transient (%s)", (error, reason) => {
    expect(classifyVenueError(error, read)).toMatchObject({ kind: "transient", reason });
  });

  it("on submit, a timeout, a 5xx, a dropped connection or a bad body may have reached the venue", () => {
    for (const error of [new RequestTimeout("t"), new ExchangeNotAvailable("5xx"), new NetworkError("reset"), new BadResponse("?")]) {
      expect(classifyVenueError(error, submit).kind).toBe("ambiguous");
    }
  });

  it("on submit, a rate limit and -1021 were refused before matching: transient, not ambiguous", () => {
    expect(classifyVenueError(new DDoSProtection("429"), submit).kind).toBe("transient");
    expect(classifyVenueError(new InvalidNonce("-1021"), submit).kind).toBe("transient");
  });

  it("carries Retry-After of a rate limit in ms, whatever the header's case", () => {
    expect(classifyVenueError(new DDoSProtection("429"), { ...submit, headers: { "Retry-After": "7" } })).toMatchObject({ retryAfterMs: 7_000 });
    expect(classifyVenueError(new RateLimitExceeded("429"), { ...read, headers: { "retry-after": "0.5" } })).toMatchObject({ retryAfterMs: 500 });
    expect(classifyVenueError(new ExchangeNotAvailable("503"), { ...read, headers: { "retry-after": "9" } })).not.toHaveProperty("retryAfterMs");
  });

  it.each([
    [new InsufficientFunds("binance Account has insufficient balance"), "VENUE_INSUFFICIENT_FUNDS"],
    [new InvalidOrder('binance {"code":-1013,"msg":"Filter failure: LOT_SIZE"}'), "VENUE_INVALID_ORDER"],
    [new InvalidOrder("binance Duplicate order sent."), "VENUE_DUPLICATE_ORDER"],
    [new OrderNotFound("binance Order does not exist."), "VENUE_ORDER_NOT_FOUND"],
    [new BadSymbol("binance does not have market symbol X/Y"), "VENUE_BAD_SYMBOL"],
  ])("%s is rejected as %s", (error, reason) => {
    expect(classifyVenueError(error, submit)).toMatchObject({ kind: "rejected", reason });
  });

  it.each([
    [new AuthenticationError("bad key"), "VENUE_AUTH_FAILED"],
    [new PermissionDenied("no trading"), "VENUE_PERMISSION_DENIED"],
    [new AccountSuspended("suspended"), "VENUE_ACCOUNT_SUSPENDED"],
  ])("%s is an auth failure (%s)", (error, reason) => {
    expect(classifyVenueError(error, submit)).toMatchObject({ kind: "auth", reason });
  });

  it("a non-ccxt error on a read is unknown, not retried", () => {
    expect(classifyVenueError(new TypeError("boom"), read)).toMatchObject({ kind: "unknown", reason: "VENUE_UNEXPECTED_ERROR" });
  });

  it("never lets a signature, timestamp or the account's credentials into the detail", () => {
    const key = "AbCdEf0123456789ApiKey";
    const secret = "SeCrEt9876543210xyz";
    const error = new ExchangeNotAvailable(
      `binance GET https://api.binance.com/api/v3/account?timestamp=1700000000000&recvWindow=10000&signature=deadbeefcafe 503 key=${key} secret ${secret} apiKey=${key}`,
    );
    const failure = classifyVenueError(error, { ...read, secrets: [key, secret] });
    const text = JSON.stringify(failure);
    expect(text).not.toContain("deadbeefcafe");
    expect(text).not.toContain("1700000000000");
    expect(text).not.toContain(key);
    expect(text).not.toContain(secret);
    expect(failure.detail).toContain("/api/v3/account?[redacted]");
  });
});

describe("redactVenueText", () => {
  it("masks a bare signature pair outside a query and caps the length", () => {
    expect(redactVenueText("body symbol=BTCUSDT&signature=abc123 failed")).toBe("body symbol=BTCUSDT&signature=[redacted] failed");
    expect(redactVenueText("x".repeat(2_000)).length).toBeLessThanOrEqual(501);
  });

  it("does not mask short strings that would hide ordinary words", () => {
    expect(redactVenueText("order failed", ["fail"])).toBe("order failed");
  });
});

describe("retryAfterMs", () => {
  it("reads seconds and HTTP dates, ignores garbage", () => {
    expect(retryAfterMs({ "Retry-After": "3" })).toBe(3_000);
    const now = Date.parse("2025-06-01T00:00:00Z");
    expect(retryAfterMs({ "retry-after": "Sun, 01 Jun 2025 00:00:05 GMT" }, now)).toBe(5_000);
    expect(retryAfterMs({ "retry-after": "soon" })).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
