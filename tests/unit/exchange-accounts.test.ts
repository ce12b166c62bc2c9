import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/env.js";
import { ccxtExchangeIds, loadExchangeAccounts, parseExchangeAccounts, readExchangeCredentials } from "../../src/config/exchange-accounts.js";

const KEY_VALUE = "kEyValueThatMustNeverAppear0123456789";
const SECRET_VALUE = "sEcretValueThatMustNeverAppear9876543210";
const ENV = { BINANCE_TESTNET_KEY: KEY_VALUE, BINANCE_TESTNET_SECRET: SECRET_VALUE, OKX_PASSWORD: "pAssphraseValue42" };

const account = (overrides: Record<string, unknown> = {}) => ({
  id: "binance-test",
  name: "Binance testnet",
  exchange: "binance",
  apiKeyEnv: "BINANCE_TESTNET_KEY",
  secretEnv: "BINANCE_TESTNET_SECRET",
  marketType: "spot",
  ...overrides,
});

const parse = (accounts: unknown, env: Record<string, string> = ENV) => parseExchangeAccounts(JSON.stringify(accounts), { env });
const errorsOf = (result: ReturnType<typeof parse>) => (result.ok ? [] : result.errors);

describe("parseExchangeAccounts", () => {
  it("accepts an account and applies the defaults: sandbox first, USDT", () => {
    const result = parse([account()]);
    expect(result).toEqual({
      ok: true,
      accounts: [{ ...account(), sandbox: true, currency: "USDT" }],
    });
  });

  it("keeps the optional password variable, the API base URL and an explicit mainnet flag", () => {
    const result = parse([
      account({ id: "okx-swap", exchange: "okx", passwordEnv: "OKX_PASSWORD", sandbox: false, marketType: "swap", apiBaseUrl: "https://proxy.internal:8443/okx" }),
    ]);
    expect(result.ok && result.accounts[0]).toMatchObject({ passwordEnv: "OKX_PASSWORD", sandbox: false, marketType: "swap", apiBaseUrl: "https://proxy.internal:8443/okx" });
  });

  it("validates the exchange against ccxt.exchanges", () => {
    expect(ccxtExchangeIds().has("binance")).toBe(true);
    expect(errorsOf(parse([account({ exchange: "binanse" })]))).toEqual([expect.stringMatching(/^\[0\] \(binance-test\)\.exchange: is not a ccxt exchange id/)]);
  });

  it("refuses a bad URL, a non-http URL and a URL carrying credentials", () => {
    expect(errorsOf(parse([account({ apiBaseUrl: "not a url" })]))).toEqual(["[0] (binance-test).apiBaseUrl: must be an http:// or https:// URL"]);
    expect(errorsOf(parse([account({ apiBaseUrl: "ftp://example.com" })]))).toEqual(["[0] (binance-test).apiBaseUrl: must be an http:// or https:// URL"]);
    const withUser = errorsOf(parse([account({ apiBaseUrl: "https://user:pw-Secret1@proxy.example" })]));
    expect(withUser).toEqual([expect.stringContaining("apiBaseUrl: must not carry a user or password")]);
    expect(withUser.join("\n")).not.toContain("pw-Secret1");
  });

  it("takes NAMES of environment variables: a pasted key is refused without being echoed", () => {
    const errors = errorsOf(parse([account({ apiKeyEnv: "aPastedKey0123456789abcdef", secretEnv: "MY-SECRET" })]));
    expect(errors).toEqual([
      "[0] (binance-test).apiKeyEnv: must be the NAME of an environment variable (A–Z, 0–9, '_'), not its value",
      "[0] (binance-test).secretEnv: must be the NAME of an environment variable (A–Z, 0–9, '_'), not its value",
    ]);
    expect(errors.join("\n")).not.toContain("aPastedKey0123456789abcdef");
  });

  it("reports a named variable that is unset (or empty) by its name, never a value", () => {
    const errors = errorsOf(parse([account({ passwordEnv: "BINANCE_TESTNET_PASSWORD" })], { BINANCE_TESTNET_KEY: KEY_VALUE, BINANCE_TESTNET_SECRET: "", BINANCE_TESTNET_PASSWORD: "" }));
    expect(errors).toEqual([
      "[0] (binance-test).secretEnv: environment variable BINANCE_TESTNET_SECRET is not set",
      "[0] (binance-test).passwordEnv: environment variable BINANCE_TESTNET_PASSWORD is not set",
    ]);
    expect(errors.join("\n")).not.toContain(KEY_VALUE);
  });

  it("refuses credentials written into the JSON itself", () => {
    const errors = errorsOf(parse([account({ apiKey: KEY_VALUE, secret: SECRET_VALUE })]));
    expect(errors).toEqual([expect.stringMatching(/^\[0\] \(binance-test\)\.apiKey, secret: not a known field/)]);
    expect(errors.join("\n")).not.toContain(KEY_VALUE);
    expect(errors.join("\n")).not.toContain(SECRET_VALUE);
  });

  it("reports every violation of every account at once", () => {
    const errors = errorsOf(
      parse([
        { id: "Bad Id", exchange: "nope", apiKeyEnv: "K", secretEnv: "S", sandbox: "yes", marketType: "futures", currency: "usdt" },
        account(),
        account({ name: "again" }),
        "not an object",
        account({ id: "acc_paper" }),
        account({ id: "same-vars", secretEnv: "BINANCE_TESTNET_KEY" }),
      ]),
    );
    expect(errors).toEqual([
      "[0].id: 1–63 characters: lowercase letters, digits, '-' and '_', starting with a letter or digit",
      "[0].name: is required",
      "[0].exchange: is not a ccxt exchange id (see ccxt.exchanges, e.g. binance, bybit, okx)",
      "[0].sandbox: must be true or false",
      "[0].marketType: must be one of spot, swap",
      "[0].currency: must be a currency code such as USDT",
      "[0].apiKeyEnv: environment variable K is not set",
      "[0].secretEnv: environment variable S is not set",
      "[2] (binance-test).id: another account already has this id",
      "[3]: must be an object",
      "[4] (acc_paper).id: acc_paper is the shared paper account",
      "[5] (same-vars).secretEnv: must name a different variable than apiKeyEnv",
    ]);
  });

  it("refuses what is not a JSON array without quoting the input", () => {
    expect(errorsOf(parseExchangeAccounts(`{"apiKey":"${KEY_VALUE}"}`, { env: ENV }))).toEqual(["must be a JSON array of accounts"]);
    const broken = errorsOf(parseExchangeAccounts(`[{"apiKey": ${KEY_VALUE}}]`, { env: ENV }));
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatch(/^is not valid JSON/);
    expect(broken[0]).not.toContain(KEY_VALUE);
  });

  it("reads credentials from the environment only when asked", () => {
    const result = parse([account({ passwordEnv: "OKX_PASSWORD" })]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(JSON.stringify(result.accounts)).not.toContain(KEY_VALUE);
    expect(readExchangeCredentials(result.accounts[0]!, ENV)).toEqual({ apiKey: KEY_VALUE, secret: SECRET_VALUE, password: "pAssphraseValue42" });
    expect(() => readExchangeCredentials(result.accounts[0]!, {})).toThrow("environment variable BINANCE_TESTNET_KEY is not set");
  });
});

describe("EXCHANGE_ACCOUNTS and EXCHANGE_ACCOUNTS_FILE", () => {
  const dir = mkdtempSync(join(tmpdir(), "sg-accounts-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("declares no live account by default", () => {
    const result = parseConfig({});
    expect(result.ok && result.config.exchangeAccounts).toEqual([]);
  });

  it("reads the inline JSON or the file", () => {
    const inline = parseConfig({ ...ENV, EXCHANGE_ACCOUNTS: JSON.stringify([account()]) });
    expect(inline.ok && inline.config.exchangeAccounts.map((a) => a.id)).toEqual(["binance-test"]);
    const file = join(dir, "accounts.json");
    writeFileSync(file, JSON.stringify([account({ id: "from-file" })]));
    const fromFile = parseConfig({ ...ENV, EXCHANGE_ACCOUNTS_FILE: file });
    expect(fromFile.ok && fromFile.config.exchangeAccounts.map((a) => a.id)).toEqual(["from-file"]);
  });

  it("prefixes each line with the variable, and reports them with the other variables' errors", () => {
    const result = parseConfig({ PORT: "http", BINANCE_TESTNET_KEY: KEY_VALUE, EXCHANGE_ACCOUNTS: JSON.stringify([account({ marketType: "options" })]) });
    expect(result.ok ? [] : result.errors).toEqual([
      "PORT: must be an integer from 1 to 65535",
      "EXCHANGE_ACCOUNTS[0] (binance-test).marketType: must be one of spot, swap",
      "EXCHANGE_ACCOUNTS[0] (binance-test).secretEnv: environment variable BINANCE_TESTNET_SECRET is not set",
    ]);
  });

  it("refuses both at once, and a file it cannot read", () => {
    expect(loadExchangeAccounts({ inline: "[]", file: join(dir, "x.json"), env: {} })).toEqual({
      ok: false,
      errors: ["EXCHANGE_ACCOUNTS: set EXCHANGE_ACCOUNTS or EXCHANGE_ACCOUNTS_FILE, not both"],
    });
    const missing = join(dir, "missing.json");
    expect(loadExchangeAccounts({ inline: undefined, file: missing, env: {} })).toEqual({
      ok: false,
      errors: [`EXCHANGE_ACCOUNTS_FILE: cannot read ${missing} (ENOENT)`],
    });
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "[1]");
    expect(loadExchangeAccounts({ inline: undefined, file: bad, env: {} })).toEqual({ ok: false, errors: ["EXCHANGE_ACCOUNTS_FILE[0]: must be an object"] });
  });
});
