/**
 * TradingView substitutes `{{name}}` placeholders when the alert fires. One that survives means the
 * name is misspelled, not available for this kind of alert (strategy.* only exists in strategy
 * alerts), or someone sent the template by hand; either way the values in the body are not real.
 */

const PLACEHOLDER = /\{\{\s*[A-Za-z_][\w.]*\s*(?:\([^{}\n]{0,200}\))?\s*\}\}/;

export function findPlaceholder(body: string): string | undefined {
  return PLACEHOLDER.exec(body)?.[0];
}

export function placeholderDetail(placeholder: string): string {
  return (
    `The body contains the unrendered placeholder ${placeholder}: TradingView leaves a placeholder as written when ` +
    "its name is misspelled or unavailable for this alert (strategy.* placeholders only exist in alerts on a " +
    "strategy, plot(\"…\") needs the exact plot title); fix the alert message and create the alert again."
  );
}
