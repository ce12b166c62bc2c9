/** Markup that is already safe: produced by the `html` tag, so it is never escaped twice. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for both element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

function renderValue(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === null || value === undefined || value === false) return "";
  if (typeof value === "number") {
    // A NaN in an SVG attribute breaks the chart silently; a renderer bug should fail loudly instead.
    if (!Number.isFinite(value)) throw new TypeError(`html: refusing to render the non-finite number ${value}`);
    return String(value);
  }
  if (typeof value === "string") return escapeHtml(value);
  return value.map(renderValue).join("");
}

/**
 * Template tag: every interpolated string is escaped unless it is already SafeHtml, so user text
 * (titles, symbols, summary values) cannot open a tag or leave an attribute by accident.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += renderValue(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}
