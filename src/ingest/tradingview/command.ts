import type { Node } from "./nodes.js";

/**
 * Where a command came from changes what some fields mean: Frostybot's and
 * tradingview-alerts-processor's `size` is USD, PineConnector's `risk=`/`sl=` depend on an EA setting.
 */
export type Dialect = "generic" | "frostybot" | "pineconnector";

export type ParsedCommand = { readonly node: Node; readonly dialect: Dialect };

/** TradingView alerts are single messages; a handful of commands is a batch, more is a mistake. */
export const MAX_COMMANDS = 20;
