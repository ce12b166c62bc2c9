import { CanonicalSignalSchema } from "../../domain/signal.js";
import type { CanonicalSignal, CanonicalSignalInput } from "../../domain/signal.js";
import type { ParsedCommand } from "./command.js";
import { resolveDescriptive, resolveSymbol, takeAlertId } from "./details.js";
import { FieldBag, flatten } from "./fields.js";
import { resolveIntent } from "./intent.js";
import { describeNode } from "./nodes.js";
import { resolveOrder } from "./order-prices.js";
import { resolveProtections } from "./protections.js";
import { resolveQuantity } from "./quantity.js";
import { AlertRefusal, refuse } from "./reasons.js";
import type { RefusalReason } from "./reasons.js";

/**
 * One parsed command → one canonical signal, or the first reason it cannot be one. The result is
 * validated against the domain schema, so nothing invalid leaves this module.
 */

export type CommandResult =
  | { readonly ok: true; readonly signal: CanonicalSignal; readonly notes: string[] }
  | { readonly ok: false; readonly reason: RefusalReason; readonly detail: string };

export function commandToSignal(command: ParsedCommand, defaultSymbol?: string): CommandResult {
  try {
    return build(command, defaultSymbol);
  } catch (error) {
    if (error instanceof AlertRefusal) return { ok: false, reason: error.reason, detail: error.detail };
    throw error;
  }
}

function build(command: ParsedCommand, defaultSymbol: string | undefined): CommandResult {
  const { node, dialect } = command;
  if (node.kind !== "object") refuse("JSON_NOT_OBJECT", `The command is ${describeNode(node)}, not an object with fields like "ticker" and "action".`);
  const bag = new FieldBag(flatten(node));
  const notes: string[] = [];
  // tradingview-alerts-processor bodies carry an account `stub`; like Frostybot their size is USD.
  const usdSize = dialect === "frostybot" || bag.has(["stub"]);

  const alertId = takeAlertId(bag, notes);
  const { intent, previousPosition } = resolveIntent(bag, dialect, notes);
  const { symbol, exchange } = resolveSymbol(bag, defaultSymbol, notes);
  const quantity = resolveQuantity(bag, { dialect, usdSize, intent }, notes);
  const order = resolveOrder(bag, dialect, notes);
  const protections = resolveProtections(bag, intent, dialect, notes);
  const descriptive = resolveDescriptive(bag, notes);
  for (const leaf of bag.remaining()) notes.push(`ignored field ${leaf.path}`);

  const candidate: CanonicalSignalInput = {
    symbol,
    intent,
    ...(quantity ? { quantity } : {}),
    ...order,
    ...protections,
    ...descriptive,
    ...(previousPosition ? { previousPosition } : {}),
    ...(alertId === undefined ? {} : { alertId }),
    ...(exchange === undefined ? {} : { exchange }),
  };
  const parsed = CanonicalSignalSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join(".") : "the signal";
    refuse("SIGNAL_INVALID", `The alert maps to an invalid signal: ${where} ${issue?.message ?? "is invalid"}.`);
  }
  return { ok: true, signal: parsed.data, notes };
}
