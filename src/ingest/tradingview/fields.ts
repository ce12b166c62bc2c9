import { isCredentialKey, normalizeKey } from "./credentials.js";
import type { Node, ObjectNode, ScalarNode } from "./nodes.js";
import { scalarText } from "./nodes.js";
import { refuse } from "./reasons.js";

/**
 * A command's scalar fields, flattened to normalized paths so one lookup covers the spellings
 * senders use: "stop_loss", "stopLoss", "Stop Loss" → "stoploss"; {"strategy": {"order_action"}}
 * and "strategy.order_action" → "strategyorderaction". Fields under data/payload/params/alert
 * wrappers count as top-level. Credential subtrees are left out: they are never signal data.
 */

export type Leaf = { readonly path: string; readonly key: string; readonly node: ScalarNode };

const WRAPPERS = new Set(["data", "payload", "params", "alert"]);

export function flatten(node: ObjectNode): Leaf[] {
  const leaves: Leaf[] = [];
  const walk = (value: Node, path: string, key: string): void => {
    if (value.kind === "object") {
      for (const e of value.entries) {
        if (!isCredentialKey(e.key)) walk(e.value, path === "" ? e.key : `${path}.${e.key}`, key + normalizeKey(e.key));
      }
    } else if (value.kind === "array") {
      value.items.forEach((item, i) => walk(item, `${path}[${i}]`, `${key}${i}`));
    } else {
      leaves.push({ path, key, node: value });
    }
  };
  for (const e of node.entries) {
    if (isCredentialKey(e.key)) continue;
    const wrapper = e.value.kind === "object" && WRAPPERS.has(normalizeKey(e.key));
    if (wrapper) walk(e.value, e.key, "");
    else walk(e.value, e.key, normalizeKey(e.key));
  }
  return leaves;
}

export function leafText(leaf: Leaf): string | undefined {
  return scalarText(leaf.node);
}

/** Tracks which fields the mapping used, so the rest can be reported as ignored. */
export class FieldBag {
  private readonly used = new Set<Leaf>();

  constructor(readonly leaves: readonly Leaf[]) {}

  /** The first unused leaf by key priority, then body order. */
  find(keys: readonly string[], accept: (leaf: Leaf) => boolean = () => true): Leaf | undefined {
    for (const key of keys) {
      const leaf = this.leaves.find((l) => l.key === key && !this.used.has(l) && accept(l));
      if (leaf) return leaf;
    }
    return undefined;
  }

  /** Like find, and marks it used; the same field given twice with different values is refused. */
  take(keys: readonly string[], accept?: (leaf: Leaf) => boolean): Leaf | undefined {
    const leaf = this.find(keys, accept);
    if (!leaf) return undefined;
    for (const other of this.leaves) {
      if (other.key !== leaf.key || this.used.has(other)) continue;
      if (leafText(other) !== leafText(leaf)) {
        refuse("DUPLICATE_FIELD", `The field ${leaf.path} is given twice with different values (${other.path}); send it once.`);
      }
      this.used.add(other);
    }
    return leaf;
  }

  takeAll(keys: readonly string[]): Leaf[] {
    return this.takeWhere((l) => keys.includes(l.key));
  }

  takeWhere(predicate: (leaf: Leaf) => boolean): Leaf[] {
    const taken = this.leaves.filter((l) => !this.used.has(l) && predicate(l));
    for (const leaf of taken) this.used.add(leaf);
    return taken;
  }

  has(keys: readonly string[]): boolean {
    return this.find(keys) !== undefined;
  }

  remaining(): Leaf[] {
    return this.leaves.filter((l) => !this.used.has(l));
  }
}
