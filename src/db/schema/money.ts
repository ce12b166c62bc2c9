import { numeric } from "drizzle-orm/pg-core";

/**
 * Exact decimals for prices, quantities and money: PostgreSQL numeric without a fixed scale, read
 * and written as strings so no value passes through a JavaScript number.
 */
export const money = (name: string) => numeric(name, { mode: "string" });
