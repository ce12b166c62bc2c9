import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawQuery } from "../../src/db/raw-query.js";
import { marketPrices } from "../../src/db/schema/market-prices.js";
import { openTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.dispose());

const PRICE_OF = "select price::text as price from market_prices where symbol = $1";

// rawQuery reaches into drizzle's session for the driver's client: these fail if an upgrade moves it.
describe("rawQuery", () => {
  it("runs on the transaction's own connection: it sees the transaction's uncommitted rows, and they roll back", async () => {
    const d = db.database.db;
    const rolledBack = new Error("roll back on purpose");
    await expect(
      d.transaction(async (tx) => {
        await tx.insert(marketPrices).values({ symbol: "RAW/TX", price: "1.5", source: "test", observedAt: new Date() });
        const seen = await rawQuery(tx)<{ price: string }>(PRICE_OF, ["RAW/TX"]);
        expect(seen).toEqual([{ price: "1.5" }]);
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    expect(await d.select().from(marketPrices).where(eq(marketPrices.symbol, "RAW/TX"))).toEqual([]);
  });

  it("pipelines statements issued together and answers each with its own rows, in order", async () => {
    const d = db.database.db;
    const results = await d.transaction(async (tx) => {
      const query = rawQuery(tx);
      await query("insert into market_prices (symbol, price, source, observed_at) values ($1, $2::numeric, 'test', now())", ["RAW/A", "2"]);
      return Promise.all(["RAW/A", "RAW/B", "RAW/A"].map((symbol) => query<{ price: string }>(PRICE_OF, [symbol])));
    });
    expect(results).toEqual([[{ price: "2" }], [], [{ price: "2" }]]);
  });

  it("works on the pool handle outside any transaction, keeping numeric text exact", async () => {
    const rows = await rawQuery(db.database.db)<{ v: string }>("select ($1::numeric + $2::numeric)::text as v", ["0.1", "0.2"]);
    expect(rows).toEqual([{ v: "0.3" }]);
  });
});
