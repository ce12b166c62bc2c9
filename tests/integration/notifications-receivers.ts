import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * Local HTTP servers standing in for Slack, Discord, Telegram's API and a user's webhook endpoint:
 * each records what it receives and answers as the test says (or never answers).
 */

export type Received = { method: string; path: string; headers: IncomingHttpHeaders; body: string };
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | "hang";
export type Receiver = {
  /** http://127.0.0.1:port */
  url: string;
  requests: Received[];
  /** Parsed JSON bodies, in arrival order. */
  json<T = Record<string, unknown>>(): T[];
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
};

export async function startReceiver(answer: (request: Received, index: number) => Answer = () => ({ status: 200, body: "ok" })): Promise<Receiver> {
  const requests: Received[] = [];
  const sockets = new Set<Socket>();
  let waiters: Array<{ count: number; resolve: () => void }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const received = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      const index = requests.push(received) - 1;
      waiters = waiters.filter((w) => (requests.length >= w.count ? (w.resolve(), false) : true));
      const a = answer(received, index);
      if (a === "hang") return;
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? "");
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    json: <T>() => requests.map((r) => JSON.parse(r.body) as T),
    waitFor: (count) => (requests.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }))),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL on which nothing listens: connections are refused. */
export async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/refused`;
}
