import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run.js";
import { freePort } from "../helpers/gateway-process.js";
import { startTestApp, type TestApp } from "../helpers/harness.js";
import { waitForSignal } from "../helpers/strategies.js";

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await startTestApp();
  dir = mkdtempSync(join(tmpdir(), "sg-cli-"));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

type Run = { code: number; stdout: string; stderr: string };

/** The CLI in this process, against the started gateway over HTTP, with the key in the environment. */
async function cli(args: string[], env: Record<string, string> = { SIGNAL_GATEWAY_URL: t.baseUrl, SIGNAL_GATEWAY_API_KEY: t.adminKey }): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await runCli({ argv: args, env, cwd: dir, out: (s) => void (stdout += s), err: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** The CLI as its own process, the way `npm run cli --` starts it. */
function cliProcess(args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), MAIN, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const oneLine = (run: Run) => {
  expect(run.code).toBe(1);
  expect(run.stdout).toBe("");
  expect(run.stderr.endsWith("\n")).toBe(true);
  expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  return run.stderr.trimEnd();
};

describe("signal-gateway strategies", () => {
  it("create prints the webhook URL and passphrase once; the URL takes alerts; list shows the strategy", async () => {
    const created = await cli(["strategies", "create", "--key", "cli-btc", "--name", "CLI BTC", "--symbols", "BTC/USDT", "--passphrase"]);
    expect(created.code).toBe(0);
    const url = /^Webhook URL\s+(\S+)$/m.exec(created.stdout)?.[1];
    const passphrase = /^Passphrase\s+(\S+)$/m.exec(created.stdout)?.[1];
    expect(url).toMatch(/\/webhooks\/tradingview\/[\w-]{20,}$/);
    expect(passphrase).toBeDefined();
    expect(created.stdout + created.stderr).not.toContain(t.adminKey);

    const path = new URL(url as string).pathname;
    const alert = (body: Record<string, unknown>) => t.http.post(path).set("content-type", "application/json").send(JSON.stringify(body));
    expect((await alert({ ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "100000", passphrase })).status).toBe(202);
    expect((await alert({ ticker: "BTCUSDT", action: "buy", quantity: "0.001", price: "100000" })).status).toBe(401);

    const list = await cli(["strategies", "list"]);
    expect(list.stdout).toMatch(/^KEY\s+NAME\s+ID\s+STAGE/m);
    expect(list.stdout).toMatch(/^cli-btc\s+CLI BTC\s+stg_\S+\s+paper\s+paper\s+yes\s+BTC\/USDT$/m);
    const json = JSON.parse((await cli(["strategies", "list", "--json"])).stdout) as { data: Array<{ key: string }> };
    expect(json.data.map((s) => s.key)).toContain("cli-btc");
  });
});

describe("signal-gateway signals, positions and orders", () => {
  it("list a processed alert and show its trace; positions and orders show what it did", async () => {
    const created = JSON.parse((await cli(["strategies", "create", "--key", "cli-eth", "--name", "CLI ETH", "--json"])).stdout) as { webhookUrl: string };
    const sent = await t.http.post(new URL(created.webhookUrl).pathname).set("content-type", "application/json").send(JSON.stringify({ ticker: "ETHUSDT", action: "buy", quantity: "0.05", price: "4000" }));
    const signal = await waitForSignal(t, sent.body.id, ["processed"]);
    const orderId = signal.trace.orders[0].id as string;

    const list = await cli(["signals", "list", "--strategy", "cli-eth", "--limit", "5"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${sent.body.id}\\s+\\S+ \\S+\\s+ETH/USDT\\s+processed\\s+open long 0.05 @ 4000\\s+EXECUTED$`, "m"));

    const show = await cli(["signals", "show", sent.body.id]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^Status\s+processed$/m);
    expect(show.stdout).toMatch(new RegExp(`^\\s*0\\s+approved\\s+-\\s+-\\s+${orderId}`, "m"));
    expect(show.stdout).toMatch(new RegExp(`^${orderId}\\s+0\\s+entry\\s+buy\\s+market\\s+0.05\\s+-\\s+filled\\s+0.05`, "m"));
    expect(show.stdout).toContain("Positions");

    const positions = (await cli(["positions", "--strategy", "cli-eth", "--status", "open"])).stdout;
    expect(positions).toMatch(/ETH\/USDT\s+long\s+0.05\s/);
    // The mark's time (the alert's arrival, to the second) and source.
    expect(positions).toMatch(/\s\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ signal\s/);
    expect((await cli(["orders", "--strategy", "cli-eth"])).stdout).toMatch(new RegExp(`^${orderId}\\s.*\\sfilled\\s.*${sent.body.id}$`, "m"));
    // A filled market order is not working: --status open lists what still is.
    expect((await cli(["orders", "--strategy", "cli-eth", "--status", "open"])).stdout).toBe("(none)\n");
  });
});

describe("signal-gateway halt, resume and state", () => {
  it("halt sets HALTED with the reason, resume sets ACTIVE, as the API reads it", async () => {
    const halted = await cli(["halt", "--reason", "cli drill"]);
    expect(halted.code).toBe(0);
    expect(halted.stdout).toMatch(/^Trading state\s+HALTED$/m);
    expect((await t.http.get("/v1/trading-state").set(t.auth())).body).toMatchObject({ state: "HALTED", reason: "cli drill" });
    expect((await cli(["state"])).stdout).toMatch(/^Reason\s+cli drill$/m);

    const resumed = await cli(["resume"]);
    expect(resumed.stdout).toMatch(/^Trading state\s+ACTIVE$/m);
    expect((await t.http.get("/v1/trading-state").set(t.auth())).body).toMatchObject({ state: "ACTIVE" });
  });
});

describe("signal-gateway errors", () => {
  it("shows a problem answer as one line with its code", async () => {
    expect(oneLine(await cli(["signals", "show", "sig_doesnotexist"]))).toBe("signal-gateway: NOT_FOUND (404): no signal with id sig_doesnotexist");
    const invalid = oneLine(await cli(["strategies", "create", "--key", "Not A Key", "--name", "x"]));
    expect(invalid).toMatch(/^signal-gateway: VALIDATION_FAILED \(400\): .*key: /);
    const denied = oneLine(await cli(["state"], { SIGNAL_GATEWAY_URL: t.baseUrl, SIGNAL_GATEWAY_API_KEY: "not-the-key-0123456789abcdef0123456789" }));
    expect(denied).toMatch(/^signal-gateway: UNAUTHORIZED \(401\)/);
    expect(denied).not.toContain("not-the-key");
  });

  it("names the URL when nothing listens there, and the key file when there is no key", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    expect(oneLine(await cli(["state", "--url", url], { SIGNAL_GATEWAY_API_KEY: t.adminKey }))).toBe(
      `signal-gateway: cannot reach the gateway at ${url} (ECONNREFUSED); is it running? Set --url or SIGNAL_GATEWAY_URL`,
    );
    expect(oneLine(await cli(["state"], { SIGNAL_GATEWAY_URL: t.baseUrl }))).toMatch(/^signal-gateway: no API key: cannot read .*data\/admin-api-key \(ENOENT\)/);
    expect(oneLine(await cli(["signals", "list", "--limit", "lots"]))).toBe("signal-gateway: --limit must be an integer from 1 to 500, not lots");
    expect(oneLine(await cli(["positons"]))).toMatch(/^signal-gateway: unknown command: positons/);
  });

  it("reads the key from --key-file, and runs as a process: exit codes, stdout, one-line stderr", async () => {
    const keyFile = join(dir, "key");
    writeFileSync(keyFile, `${t.adminKey}\n`, { mode: 0o600 });
    const ok = await cliProcess(["--url", t.baseUrl, "state", "--key-file", keyFile], {});
    expect(ok).toMatchObject({ code: 0, stderr: "" });
    expect(ok.stdout).toMatch(/^Trading state\s+(ACTIVE|HALTED)$/m);
    const missing = await cliProcess(["signals", "show", "sig_nope"], { SIGNAL_GATEWAY_URL: t.baseUrl, SIGNAL_GATEWAY_API_KEY: t.adminKey });
    expect(oneLine(missing)).toBe("signal-gateway: NOT_FOUND (404): no signal with id sig_nope");
  });
});
