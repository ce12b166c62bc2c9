import { connect, createServer, type Socket } from "node:net";

export type TcpProxy = {
  readonly port: number;
  /**
   * The database stops answering: every open connection is reset (both ends), and new ones are
   * accepted and reset at once, as when the server or the network between goes away.
   */
  cut(): void;
  /**
   * The database goes silent: connections stay open but nothing passes either way, and new ones are
   * accepted and held, as when a network path drops packets instead of refusing them. Nothing tells
   * the gateway; only its own deadlines can.
   */
  silence(): void;
  /** Connections go through again; after silence(), what was held is delivered. */
  restore(): void;
  /** Connections refused or reset while cut. */
  refused(): number;
  close(): Promise<void>;
};

/** A TCP relay the drill controls, between the gateway and PostgreSQL: no superuser needed. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  const held: Socket[] = [];
  let down = false;
  let silent = false;
  let refused = 0;
  // Nagle off on both legs, as on a direct connection: with it, the relay held each small write
  // until the last one was acknowledged, and every statement of a signal waited out delayed ACKs
  // (about 100 ms a signal here, so the drill's backlog could not drain in its settle time).
  const relay = (client: Socket) => {
    if (client.destroyed) return;
    const upstream = connect({ port: target.port, host: target.host, noDelay: true });
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    client.pipe(upstream);
    upstream.pipe(client);
  };
  const server = createServer({ noDelay: true }, (client) => {
    if (down) {
      refused++;
      client.resetAndDestroy();
      return;
    }
    if (silent) {
      client.pause();
      client.on("error", () => client.destroy());
      held.push(client);
      return;
    }
    relay(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      down = true;
      for (const { client, upstream } of pairs) {
        client.resetAndDestroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    silence: () => {
      silent = true;
      for (const { client, upstream } of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    restore: () => {
      down = false;
      if (!silent) return;
      silent = false;
      // pipe() resumes each side; bytes read before the silence are delivered first.
      for (const { client, upstream } of pairs) {
        client.pipe(upstream);
        upstream.pipe(client);
      }
      for (const client of held.splice(0)) relay(client);
    },
    refused: () => refused,
    close: async () => {
      for (const client of held.splice(0)) client.destroy();
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
