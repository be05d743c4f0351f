/** The dashboard's one stylesheet, served at /dashboard/dashboard.css (a string: nothing to copy at build time). */
export const CSS = `
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #fff; --band: #f6f8fa; --accent: #0b5cad; --bad: #b42318; --badbg: #fde8e7; --ok: #1a7f37; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 2; }
header.top { display: flex; align-items: center; gap: 24px; padding: 10px 20px; background: #0f2742; color: #fff; flex-wrap: wrap; }
header.top a { color: #fff; text-decoration: none; padding: 4px 8px; border-radius: 4px; }
header.top a[aria-current="page"] { background: rgba(255,255,255,.18); font-weight: 600; }
header.top .brand { font-weight: 700; font-size: 17px; }
header.top nav ul { list-style: none; display: flex; gap: 4px; margin: 0; padding: 0; flex-wrap: wrap; }
header.top form { margin-left: auto; display: flex; gap: 10px; align-items: center; }
main { padding: 16px 20px 40px; max-width: 1400px; }
h1 { font-size: 22px; margin: 4px 0 12px; } h2 { font-size: 17px; margin: 24px 0 8px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 14px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; color: var(--muted); }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--band); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.flash { padding: 8px 12px; border-left: 4px solid var(--ok); background: #e9f7ef; margin-bottom: 12px; }
.flash.error { border-color: var(--bad); background: var(--badbg); }
.muted { color: var(--muted); }
.status { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 13px; background: var(--band); border: 1px solid var(--line); }
.status-exception, .status-rejected, .status-overdue { background: var(--badbg); border-color: #f3b4ae; color: var(--bad); }
.status-done, .status-accepted { background: #e9f7ef; border-color: #a6dbb5; color: var(--ok); }
.status-retrying, .status-pending { background: #fff4d6; border-color: #e8cf80; color: var(--warn); }
form.search { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: end; padding: 10px; background: var(--band); border: 1px solid var(--line); border-radius: 6px; }
form.search label, .field label { display: block; font-size: 13px; color: var(--muted); }
input, select, textarea, button { font: inherit; }
input, select, textarea { padding: 4px 6px; border: 1px solid #8c959f; border-radius: 4px; }
button { padding: 5px 12px; border-radius: 4px; border: 1px solid #0b4f94; background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
.actions { display: flex; gap: 16px; flex-wrap: wrap; align-items: end; margin: 8px 0; }
.actions form { display: flex; gap: 8px; align-items: end; }
pre.edi { background: #0d1117; color: #e6edf3; padding: 10px 12px; border-radius: 6px; overflow-x: auto; font: 13px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; counter-reset: none; }
pre.edi .ln { display: inline-block; width: 3.5em; color: #7d8590; user-select: none; }
pre.edi .sep { color: #7d8590; }
pre.edi mark { background: #ffd8d3; color: #8a1005; border-bottom: 2px solid #ff6b5b; padding: 0 1px; border-radius: 2px; }
pre.edi .bad-line { background: rgba(255,107,91,.18); display: inline-block; width: 100%; }
pre.edi .note { color: #ffa198; }
pre.json { background: var(--band); padding: 10px; border-radius: 6px; overflow-x: auto; font-size: 12.5px; max-height: 420px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 0 28px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 6px 0 14px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 150px; }
.card strong { display: block; font-size: 24px; }
.flags li { color: var(--bad); } ul.flags { margin: 0; padding-left: 18px; }
svg.chart text { font-size: 11px; fill: var(--muted); }
.signin { max-width: 380px; margin: 80px auto; border: 1px solid var(--line); border-radius: 8px; padding: 20px 24px; }
.signin input { width: 100%; margin: 4px 0 12px; }
`;
