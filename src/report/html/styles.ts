/**
 * The report's stylesheet, inlined (the file opens offline). System fonts only; print rules keep
 * sections and charts whole, repeat table headers on every page and keep the chart colours.
 */
export const REPORT_CSS = `
:root { --fg: #1d2329; --muted: #5b6570; --line: #d5dbe1; --bg: #f6f8fa; --ok: #2e8b57; --warn: #d9622b; --bad: #c0392b; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1000px; padding: 24px 28px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; }
p { margin: 6px 0; }
.muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: var(--bg); }
.card .v { font-size: 22px; font-weight: 600; }
.card .l { color: var(--muted); font-size: 12px; }
.card.ok .v { color: var(--ok); } .card.warn .v { color: var(--warn); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font-size: 12px; background: var(--bg); padding: 0 3px; border-radius: 3px; }
.chart { display: block; max-width: 100%; height: auto; margin: 8px 0; }
.note { border-left: 4px solid var(--warn); background: #fff6ef; padding: 8px 12px; margin: 10px 0; }
.good { border-left-color: var(--ok); background: #eff8f2; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { max-width: none; padding: 0; font-size: 11px; }
  h2 { break-after: avoid; }
  section, .cards, .chart, tr { break-inside: avoid; }
  section.long { break-inside: auto; }
  thead { display: table-header-group; }
  .card, th, .note { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .chart { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
