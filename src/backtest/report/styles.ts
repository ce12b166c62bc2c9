/**
 * The report's only stylesheet, inlined: the page loads nothing (the route's CSP allows inline style
 * and nothing else). System fonts, tabular figures so columns of numbers line up, light and dark.
 */
export const REPORT_CSS = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#5b6572;--bg:#fff;--panel:#f6f8fa;--line:#d8dde3;--grid:#eceff3;--accent:#2563eb;--neg:#b42318;--pos:#18794e;--dd:#d9485f}
@media (prefers-color-scheme:dark){:root{--fg:#e6e8eb;--muted:#9aa4b1;--bg:#14171b;--panel:#1b1f24;--line:#2f353d;--grid:#232830;--accent:#7aa7ff;--neg:#ff8080;--pos:#5fd08a;--dd:#ff6b81}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-variant-numeric:tabular-nums}
header,main,footer{max-width:1120px;margin:0 auto;padding:0 20px}
header{padding-top:24px}
h1{font-size:1.6rem;margin:0 0 4px;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:28px 0 10px}
.meta,footer,.note{color:var(--muted)}
.meta{margin:0}
code{font:0.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.overview{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:0 32px}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dl.summary dt{color:var(--muted)}
dl.summary dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse}
th,td{padding:4px 10px;border-bottom:1px solid var(--line);white-space:nowrap}
table.metrics{width:100%}
table.metrics th{text-align:left;font-weight:normal;color:var(--muted)}
table.metrics td{text-align:right}
table.metrics tr[title]{cursor:help}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:6px}
table.trades{width:100%;font-size:13px}
table.trades thead th{position:sticky;top:0;background:var(--panel);text-align:right}
table.trades td{text-align:right}
table.trades td:nth-child(2),table.trades td:nth-child(3),table.trades td:nth-child(12),table.trades th:nth-child(2),table.trades th:nth-child(3),table.trades th:nth-child(12){text-align:left}
table.trades tbody tr:nth-child(even){background:var(--panel)}
.pos{color:var(--pos)}
.neg{color:var(--neg)}
.side.short{color:var(--neg)}
.empty{padding:16px;border:1px dashed var(--line);border-radius:6px;color:var(--muted)}
.chart{display:block;width:100%;height:auto;background:var(--bg)}
.chart .grid line{stroke:var(--grid)}
.chart .axis,.chart .tick{stroke:var(--line)}
.chart text{fill:var(--muted);font-size:12px;font-family:inherit}
.chart text.empty{font-size:16px}
.chart .series.line{fill:none;stroke:var(--accent);stroke-width:1.5;stroke-linejoin:round}
.chart .series.area{fill:var(--dd);fill-opacity:.25;stroke:var(--dd);stroke-width:1;stroke-linejoin:round}
footer{margin-top:32px;padding-bottom:32px;font-size:13px}
`;
