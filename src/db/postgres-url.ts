/**
 * A PostgreSQL URL read the way libpq reads it, for postgres.js. libpq takes the server's address
 * from `host` and `port` query parameters too, and a `host` that is a directory names a Unix socket
 * (`postgresql:///gw?host=/var/run/postgresql`, the usual way to reach a server on the same machine).
 * postgres.js knows neither: it would connect to localhost over TCP and send `host` to the server
 * as a setting, which refuses it. Here they become postgres.js's own options and leave the URL.
 */
export type PostgresConnection = {
  /** The URL without `host` and `port` query parameters. */
  readonly url: string;
  // The rest are postgres.js options as they are: `const { url, ...address } = postgresConnection(raw)`.
  /** The socket file when the host is a directory: `<dir>/.s.PGSQL.<port>`. */
  readonly path?: string;
  /** A host or port given as query parameters (they win over the URL's own, as in libpq). */
  readonly host?: string;
  readonly port?: number;
};

const DEFAULT_PORT = 5432;

/**
 * The URL with a host WHATWG's parser accepts: libpq reads `postgresql://user@/gw?host=/run/pg`
 * (credentials, no host), which `new URL` refuses, so `localhost` stands in (the `host` parameter,
 * when given, decides where the connection goes).
 */
export function parseablePostgresUrl(raw: string): string {
  return raw.replace(/^(postgres(?:ql)?:\/\/[^/?#]*@)(?=[/?#]|$)/, "$1localhost");
}

export function postgresConnection(raw: string): PostgresConnection {
  const url = new URL(parseablePostgresUrl(raw));
  const hostParam = url.searchParams.get("host") ?? undefined;
  const portParam = url.searchParams.get("port") ?? undefined;
  url.searchParams.delete("host");
  url.searchParams.delete("port");
  const port = portParam !== undefined ? Number(portParam) : url.port ? Number(url.port) : DEFAULT_PORT;
  const rest = { url: url.toString() };
  const withPort = portParam !== undefined ? { port } : {};
  if (hostParam?.startsWith("/")) return { ...rest, path: `${hostParam.replace(/\/+$/, "")}/.s.PGSQL.${port}` };
  return { ...rest, ...(hostParam ? { host: hostParam } : {}), ...withPort };
}

/** Where a PostgreSQL URL points, safe to log (no user, no password): `postgres://host:port/db`, the socket directory as host. */
export function describePostgresUrl(raw: string): string {
  const u = new URL(parseablePostgresUrl(raw));
  const db = decodeURIComponent(u.pathname.replace(/^\//, "")) || "(default)";
  const hostParam = u.searchParams.get("host");
  const host = hostParam || decodeURIComponent(u.hostname) || "localhost";
  const port = u.searchParams.get("port") || u.port || String(DEFAULT_PORT);
  return `postgres://${host}:${port}/${db}`;
}

/** Whether a `port` query parameter, when given, is a TCP port (1–65535). */
export function hasValidPortParameter(raw: string): boolean {
  const port = new URL(parseablePostgresUrl(raw)).searchParams.get("port");
  return port === null || (/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535);
}
