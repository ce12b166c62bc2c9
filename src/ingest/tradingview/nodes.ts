/**
 * The parsed shape of an alert body, whatever its format. Numbers keep their source text and every
 * scalar keeps its position in the body, so values are never re-rendered through floats and
 * credentials can be redacted in place. Objects are entry lists, not JS objects: a `__proto__`
 * key is just data here.
 */

export type Span = { readonly start: number; readonly end: number };

/** `quoted`: the span includes the surrounding quote characters. */
export type StringNode = { readonly kind: "string"; readonly value: string; readonly quoted: boolean; readonly span: Span };
export type NumberNode = { readonly kind: "number"; readonly raw: string; readonly span: Span };
export type BooleanNode = { readonly kind: "boolean"; readonly value: boolean; readonly span: Span };
export type NullNode = { readonly kind: "null"; readonly span: Span };
export type ScalarNode = StringNode | NumberNode | BooleanNode | NullNode;

export type Entry = { readonly key: string; readonly value: Node };
export type ObjectNode = { readonly kind: "object"; readonly entries: readonly Entry[]; readonly span: Span };
export type ArrayNode = { readonly kind: "array"; readonly items: readonly Node[]; readonly span: Span };
export type Node = ScalarNode | ObjectNode | ArrayNode;

/** The scalar's text as the sender wrote it (number source text, not a re-rendered float). */
export function scalarText(node: ScalarNode): string | undefined {
  switch (node.kind) {
    case "string":
      return node.value;
    case "number":
      return node.raw;
    case "boolean":
      return String(node.value);
    case "null":
      return undefined;
  }
}

export function describeNode(node: Node): string {
  switch (node.kind) {
    case "object":
      return "an object";
    case "array":
      return "an array";
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "null":
      return "null";
  }
}

export function stringNode(value: string, start: number, end: number, quoted = false): StringNode {
  return { kind: "string", value, quoted, span: { start, end } };
}
