import type { Child } from "hono/jsx";
import { html, raw } from "hono/html";

// One stylesheet, inline under the response's nonce: the page loads nothing from anywhere.
const STYLE = `
:root { color-scheme: light; --fg: #1d232b; --muted: #5f6b7a; --line: #d9dee5; --bg: #f6f7f9; --card: #fff;
  --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg);
  font-variant-numeric: tabular-nums; }
header { display: flex; align-items: center; gap: 1rem; padding: .75rem 1.5rem; background: #1d232b; color: #fff; }
header h1 { font-size: 1.05rem; margin: 0; flex: 1; }
header form { margin: 0; }
header .who { color: #c9d1d9; }
main { padding: 1rem 1.5rem 3rem; max-width: 1400px; margin: 0 auto; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; margin: 0 0 1rem; }
h2 { font-size: 1rem; margin: 0 0 .5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; }
.muted, .empty { color: var(--muted); }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
.state { display: inline-block; font-weight: 700; font-size: 1.4rem; padding: .1rem .6rem; border-radius: 4px; color: #fff; }
.state-ACTIVE { background: var(--ok); } .state-REDUCING { background: var(--warn); } .state-HALTED { background: var(--bad); }
.controls { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-top: .75rem; }
button { font: inherit; padding: .35rem .9rem; border-radius: 4px; border: 1px solid var(--line); background: #fff; cursor: pointer; }
button:disabled { opacity: .45; cursor: default; }
button.halt { background: var(--bad); color: #fff; border-color: var(--bad); }
button.resume { background: var(--ok); color: #fff; border-color: var(--ok); }
input[type=text], input[type=password] { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 4px; }
input[name=reason] { width: 22rem; }
.outcome { font-weight: 600; }
.outcome-good { color: var(--ok); } .outcome-bad { color: var(--bad); } .outcome-other { color: var(--warn); }
details summary { cursor: pointer; }
details ul { margin: .25rem 0 .25rem 1rem; padding: 0; }
.error { color: var(--bad); font-weight: 600; }
.login { max-width: 28rem; margin: 4rem auto; }
.login input { width: 100%; margin: .5rem 0 1rem; }
`;

/** The page shell. Every dashboard page goes through it, so the nonce and the doctype are never forgotten. */
export function Layout(props: { title: string; nonce: string; header?: Child; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{props.title}</title>
        {/* An empty icon: the browser would otherwise ask for /favicon.ico. */}
        <link rel="icon" href="data:," />
        {/* raw: a constant of ours; escaping would turn its quotes into entities, which CSS does not read. */}
        <style nonce={props.nonce}>{raw(STYLE)}</style>
      </head>
      <body>
        <header>
          <h1>signal-gateway</h1>
          {props.header}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

/** A full document: the doctype, then the element tree (every text in it escaped by hono/jsx). */
export function page(node: Child) {
  return html`<!doctype html>${node}`;
}
