/**
 * Baseline target: the cheapest possible node:http answers. GET /healthz is the baseline for the
 * gateway's GET routes; POST /webhook (read the whole body, answer 202 with a small JSON) is the
 * baseline for its webhooks. The gateway's numbers are read relative to these, so the machine, Node
 * version and load generator cancel out of the ratio.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BARE_WEBHOOK_PATH, exitWhenParentSaysSo, reportReady } from "./protocol.js";

// Serialised once: the baseline should measure the HTTP stack, not JSON.stringify.
const json = (value: unknown) => {
  const body = JSON.stringify(value);
  return { body, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } };
};
const HEALTH = json({ status: "ok" });
const ACCEPTED = json({ accepted: true });

const send = (res: ServerResponse, status: number, answer: ReturnType<typeof json>) =>
  res.writeHead(status, answer.headers).end(answer.body);

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/healthz") return send(res, 200, HEALTH);
  if (req.method === "POST" && req.url === BARE_WEBHOOK_PATH) {
    // The body is read to its end and kept, as any webhook receiver must before it can answer.
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      Buffer.concat(chunks).toString("utf8");
      send(res, 202, ACCEPTED);
    });
    return;
  }
  res.writeHead(404).end();
});

server.listen(0, "127.0.0.1", () => {
  reportReady({ port: (server.address() as AddressInfo).port });
});

exitWhenParentSaysSo(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);
