import { z } from "@hono/zod-openapi";
import { MARKET_TYPES } from "../../../config/exchange-accounts.js";
import { RECONCILIATION_STATUSES } from "../../../execution/live-status.js";
import { ACCOUNT_KINDS, VENUE_HEALTH } from "../../../trading/account-queries.js";
import { PAPER_ACCOUNT_CURRENCIES } from "../../../trading/create-account.js";
import { decimal, idParamSchema, positiveDecimal } from "../orders/schemas.js";

const statusReport = <S extends readonly [string, ...string[]]>(statuses: S, description: string) =>
  z
    .object({
      status: z.enum(statuses),
      checkedAt: z.iso.datetime().nullable().openapi({ description: "When the venue module reported it; null while `unknown`." }),
      detail: z.string().nullable().openapi({ description: "The venue module's explanation, if any." }),
    })
    .openapi({ description });

export const AccountSchema = z
  .object({
    id: z.string().openapi({ example: "acc_paper" }),
    name: z.string().openapi({ example: "paper (shared)" }),
    venue: z.string().openapi({ description: "paper, or the exchange of a live account.", example: "paper" }),
    currency: z.string().openapi({ description: "The quote currency cash and PnL are kept in.", example: "USDT" }),
    startingCash: decimal("Cash the account started with; 0 on a live account, whose balances are the exchange's.", "10000"),
    cash: decimal("Cash now: the notional of every fill and every fee has moved it.", "9899.9"),
    fees: decimal("Σ fees paid.", "0.1"),
    equity: decimal("cash + Σ open position values at their marks; null while a mark is missing (see `missingMarks`).", "9999.9").nullable(),
    missingMarks: z.array(z.string()).openapi({ description: "Symbols of open positions without a known price." }),
    realizedPnl: decimal("Σ realized PnL over the account's positions, open and closed, gross of fees.", "0"),
    unrealizedPnl: decimal("Σ unrealized PnL of the open positions at their marks; null when one cannot be valued.", "0").nullable(),
    openPositions: z.number().int().openapi({ description: "Positions open now." }),
    venueHealth: z.enum(VENUE_HEALTH).openapi({
      description: "A live account's `health.status`. The paper venue is ok, or its price feed's `priceFeed.status` when that is degraded or unavailable.",
    }),
    priceFeed: statusReport(VENUE_HEALTH, "Paper accounts, when MARKET_DATA_EXCHANGE is set: the paper price feed's last pass; unknown until one has run. degraded: some symbols in play got no price; unavailable: none did.")
      .extend({ exchange: z.string().openapi({ description: "The ccxt exchange the feed reads.", example: "binance" }) })
      .optional(),
    kind: z.enum(ACCOUNT_KINDS).openapi({
      description: "paper: the embedded paper venue. live: an exchange account from EXCHANGE_ACCOUNTS; `venue` is its ccxt exchange id.",
    }),
    sandbox: z.boolean().optional().openapi({ description: "Live accounts: true when on the exchange's testnet or sandbox." }),
    marketType: z.enum(MARKET_TYPES).optional().openapi({ description: "Live accounts: spot, or swap (perpetual derivatives)." }),
    credentials: z.enum(["configured", "not_configured"]).optional().openapi({
      description:
        "Live accounts: configured while the account is in the configuration (its credential variables were set at start); " +
        "not_configured for an account left in the database after it was removed from the configuration. Credentials are never shown.",
    }),
    health: statusReport(VENUE_HEALTH, "Live accounts: the venue's health as last reported; unknown until checked.").optional(),
    reconciliation: statusReport(
      RECONCILIATION_STATUSES,
      "Live accounts: the last reconciliation of orders, positions and balances with the venue; unknown until one has run.",
    ).optional(),
  })
  .openapi("Account");

export const CreateAccountBodySchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { error: "1–63 characters: lowercase letters, digits, '-' and '_', starting with a letter or digit" })
      .optional()
      .openapi({ description: "The account's id, for strategies' `accountId`. Absent: `acc_` and 16 random characters.", example: "btc-trend-paper" }),
    name: z.string().trim().min(1).max(200).openapi({ example: "BTC trend (paper)" }),
    currency: z
      .enum(PAPER_ACCOUNT_CURRENCIES, { error: "the paper venue settles in USDT only" })
      .default("USDT")
      .openapi({ description: "Every paper market is quoted in USDT, so it is the only currency." }),
    startingCash: positiveDecimal("Cash the account starts with, in `currency`.", "2500"),
  })
  .strict()
  .openapi("CreateAccountRequest");

export const AccountIdParamSchema = idParamSchema("acc_paper");
