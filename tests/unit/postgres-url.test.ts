import { describe, expect, it } from "vitest";
import { describePostgresUrl, hasValidPortParameter, postgresConnection } from "../../src/db/postgres-url.js";

describe("postgresConnection (libpq's host and port parameters, for postgres.js)", () => {
  it("turns a host directory into the socket file, named for the port, and takes both out of the URL", () => {
    expect(postgresConnection("postgresql:///gw?host=/var/run/postgresql")).toEqual({ url: "postgresql:///gw", path: "/var/run/postgresql/.s.PGSQL.5432" });
    expect(postgresConnection("postgres://trader@/gw?host=/tmp/&port=6543&sslmode=disable")).toEqual({
      url: "postgres://trader@localhost/gw?sslmode=disable",
      path: "/tmp/.s.PGSQL.6543",
    });
    // The URL's own port names the socket file when no parameter does.
    expect(postgresConnection("postgres://x:7000/gw?host=/run/pg").path).toBe("/run/pg/.s.PGSQL.7000");
  });

  it("lets a host or port parameter name a TCP server, winning over the URL's own as in libpq", () => {
    const conn = postgresConnection("postgres://u:p@ignored:1111/gw?host=db.internal&port=6543");
    expect(conn).toEqual({ url: "postgres://u:p@ignored:1111/gw", host: "db.internal", port: 6543 });
    const { url: _url, ...address } = conn;
    expect(address).toEqual({ host: "db.internal", port: 6543 });
  });

  it("leaves a plain URL as it is, with no options", () => {
    const conn = postgresConnection("postgres://u:p@db:5432/gw?sslmode=require");
    expect(conn).toEqual({ url: "postgres://u:p@db:5432/gw?sslmode=require" });
    const { url: _url, ...address } = conn;
    expect(address).toEqual({});
  });

  it("describes where it points without user or password, the socket directory as the host", () => {
    expect(describePostgresUrl("postgresql://trader:s3cret@/gw?host=/var/run/postgresql")).toBe("postgres:///var/run/postgresql:5432/gw");
    expect(describePostgresUrl("postgres://trader:s3cret@db:6000/gw")).toBe("postgres://db:6000/gw");
    expect(describePostgresUrl("postgresql:///gw")).toBe("postgres://localhost:5432/gw");
  });

  it("checks a port parameter is a TCP port", () => {
    expect(hasValidPortParameter("postgres:///gw?port=5433")).toBe(true);
    expect(hasValidPortParameter("postgres:///gw")).toBe(true);
    for (const bad of ["0", "65536", "54x", ""]) expect(hasValidPortParameter(`postgres:///gw?port=${bad}`), bad).toBe(false);
  });
});
