/**
 * The dashboard's stylesheet and script, served by the gateway itself: no build step, no CDN,
 * and a Content-Security-Policy that allows only these (no inline script or style).
 */

export const DASHBOARD_CSS = `
:root { color-scheme: light dark; --fg: #1d2330; --muted: #5f6b7a; --line: #d6dbe3; --bg: #f7f8fa;
  --accent: #2458d6; --bad: #b42318; --good: #067647; --warn: #b54708; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ef; --muted: #9aa4b2; --line: #343a46;
  --bg: #14171c; --accent: #7aa2ff; --bad: #ff8a80; --good: #6fd39b; --warn: #f5b86b; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 1rem; align-items: baseline; padding: .6rem 1rem;
  border-bottom: 1px solid var(--line); flex-wrap: wrap; }
header .app { color: var(--muted); }
nav { display: flex; gap: .8rem; flex-wrap: wrap; }
nav a { color: var(--muted); text-decoration: none; }
nav a[aria-current=page] { color: var(--accent); font-weight: 600; }
main { padding: 1rem; max-width: 1400px; }
h1 { font-size: 1.3rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 500; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: rgba(127,127,127,.08); padding: .6rem; overflow: auto; max-height: 28rem; }
code, pre { font-family: ui-monospace, monospace; font-size: 12.5px; }
.inline { display: inline-flex; gap: .3rem; margin: 0 .3rem 0 0; }
button { cursor: pointer; padding: .15rem .6rem; }
input[type=text], input[type=number], input[type=search], select { padding: .2rem .4rem; }
.empty, .muted { color: var(--muted); }
.bad { color: var(--bad); } .good { color: var(--good); } .warn { color: var(--warn); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dl.facts dt { color: var(--muted); }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; margin-bottom: 1rem; }
.card { border: 1px solid var(--line); padding: .6rem .9rem; min-width: 10rem; }
.card .value { font-size: 1.4rem; font-weight: 600; }
.notice { border-left: 3px solid var(--accent); padding: .3rem .7rem; margin: .5rem 0 1rem; }
#tail tr.new { animation: flash 1.5s ease-out; }
@keyframes flash { from { background: rgba(36,88,214,.25); } to { background: transparent; } }
`;

/** A mark for the browser's tab (without one it asks for /favicon.ico and logs a 404). */
export const DASHBOARD_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="4" y="1" fill="#2458d6"/><rect width="16" height="4" y="6" fill="#5f86e6"/><rect width="16" height="4" y="11" fill="#9cb5f0"/></svg>`;

export const DASHBOARD_JS = `
'use strict';
// Asks before a form marked data-confirm is sent.
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
// Pages marked data-refresh reload every that many seconds, unless a field has the focus.
const refresh = Number(document.body.querySelector('[data-refresh]')?.getAttribute('data-refresh'));
if (refresh > 0) {
  setInterval(() => {
    const focused = document.activeElement;
    if (!(focused instanceof HTMLInputElement || focused instanceof HTMLSelectElement)) location.reload();
  }, refresh * 1000);
}
// The live tail: each event appended arrives as a server-sent event and is put on top.
const tail = document.getElementById('tail');
if (tail) {
  const body = tail.querySelector('tbody');
  const status = document.getElementById('tail-status');
  const source = new EventSource('/dashboard/tail/events');
  source.addEventListener('open', () => { status.textContent = 'connected'; });
  source.addEventListener('error', () => { status.textContent = 'reconnecting…'; });
  source.addEventListener('append', (message) => {
    const event = JSON.parse(message.data);
    const row = document.createElement('tr');
    row.className = 'new';
    const link = (href, text) => { const a = document.createElement('a'); a.href = href; a.textContent = text; return a; };
    const cells = [
      String(event.globalPosition),
      link('/dashboard/events/' + encodeURIComponent(event.id), event.type),
      link('/dashboard/streams/' + encodeURIComponent(event.streamId), event.streamId + '@' + event.streamVersion),
      event.recordedAt,
    ];
    for (const content of cells) {
      const cell = document.createElement('td');
      if (typeof content === 'string') cell.textContent = content; else cell.append(content);
      row.append(cell);
    }
    body.prepend(row);
    while (body.children.length > 200) body.lastElementChild.remove();
  });
}
`;
