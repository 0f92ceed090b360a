import { accountGroups, tally, type Coverage } from './coverage';
import type { Account } from './model';
import type { Cell, Status } from './model';

const SYMBOL: Record<Status, string> = { covered: '✅', partial: '🟡', missing: '❌', na: '⬜' };
// The page must read without an emoji font (many Linux desktops and CI runners lack one): plain glyphs
// that every text font has, with the cell colour carrying the same status.
const HTML_SYMBOL: Record<Status, string> = { covered: '✓', partial: '◐', missing: '✗', na: '–' };
const WORD: Record<Status, string> = { covered: 'covered', partial: 'partial', missing: 'not covered', na: 'not provided by org-guard' };

/** Every cell of a control in one region, across accounts. */
function column(cov: Coverage, control: number, region: number): Cell[] {
  return cov.accounts.map((_, a) => cov.cells[control][a][region]);
}

function summaryCell(cells: Cell[]): { status: Status; text: string } {
  const t = tally(cells);
  if (t.na === cells.length) return { status: 'na', text: 'n/a' };
  const n = cells.length - t.na;
  const status: Status = t.covered === n ? 'covered' : t.missing === n ? 'missing' : 'partial';
  return { status, text: `${t.covered}/${n}` };
}

function totals(t: Record<Status, number>): string {
  return `${t.covered} covered, ${t.partial} partial, ${t.missing} not covered${t.na ? `, ${t.na} not provided by org-guard` : ''}`;
}

/** At most `max` names, then how many more. */
function names(accounts: Account[], max: number): string {
  const shown = accounts.slice(0, max).map((a) => a.name).join(', ');
  return accounts.length > max ? `${shown} and ${accounts.length - max} more` : shown;
}

function md(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export interface MarkdownOptions {
  /** Per-account tables: all (default), only accounts with a gap, or none (summary only). */
  details?: 'all' | 'gaps' | 'none';
  /** Where the stacks came from, a phrase with `code` spans: "the synthesized stacks in `cdktf.out`". */
  source?: string;
}

export function renderMarkdown(cov: Coverage, options: MarkdownOptions = {}): string {
  const details = options.details ?? 'all';
  const all = cov.cells.flat(2);
  const t = tally(all);
  const out: string[] = ['## org-guard coverage', ''];
  out.push(
    `Organization \`${cov.organizationId}\`: ${cov.accounts.length} accounts x ${cov.regions.length} governed regions x ${cov.controls.length} controls ` +
      `= ${all.length} cells: **${totals(t)}**.` +
      (options.source ? ` Computed from ${options.source}.` : ''),
    '',
    `Legend: ${SYMBOL.covered} covered · ${SYMBOL.partial} partial · ${SYMBOL.missing} not covered (the cell says what to change) · ` +
      `${SYMBOL.na} not provided by org-guard (no config key deploys it). Summary cells count covered accounts. ` +
      'Accounts with the same coverage in every cell share one table.',
    '',
  );
  for (const w of cov.warnings) out.push(`> ⚠️ ${w}`, '');

  out.push(`| control | ${cov.regions.join(' | ')} |`, `|---|${cov.regions.map(() => '---').join('|')}|`);
  cov.controls.forEach((c, ci) => {
    const cells = cov.regions.map((_, ri) => {
      const s = summaryCell(column(cov, ci, ri));
      return `${SYMBOL[s.status]} ${s.text}`;
    });
    out.push(`| ${md(c.group === c.label ? c.label : `${c.group}: ${c.label}`)} | ${cells.join(' | ')} |`);
  });
  out.push('');

  if (details === 'none') return out.join('\n');
  // One table per group of accounts that read the same everywhere: 1,000 alike members are one table.
  for (const group of accountGroups(cov)) {
    const ai = group[0];
    const a = cov.accounts[ai];
    const mine = cov.cells.map((byAccount) => byAccount[ai]);
    const at = tally(mine.flat());
    if (details === 'gaps' && at.covered + at.na === mine.flat().length) continue;
    const members = group.map((i) => cov.accounts[i]);
    const title = group.length === 1
      ? `<b>${a.name}</b> (${a.id}, ${a.role}): ${totals(at)}`
      : `<b>${group.length} accounts</b> (${names(members, 5)}): each ${totals(at)}`;
    out.push(`<details><summary>${title}</summary>`, '');
    if (group.length > 1) out.push(`Accounts: ${members.map((m) => `${m.name} (${m.id})`).join(', ')}.`, '');
    out.push(
      `| control | ${cov.regions.join(' | ')} |`,
      `|---|${cov.regions.map(() => '---').join('|')}|`,
    );
    cov.controls.forEach((c, ci) => {
      const cells = mine[ci].map((cell) => `${SYMBOL[cell.status]} ${md(cell.how)}`);
      out.push(`| ${md(c.group === c.label ? c.label : `${c.group}: ${c.label}`)} | ${cells.join(' | ')} |`);
    });
    out.push('', '</details>', '');
  }
  return out.join('\n');
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** A single HTML file, no external assets: a heatmap of controls x (account, region). */
export function renderHtml(cov: Coverage, options: { source?: string; generatedAt?: string } = {}): string {
  const all = cov.cells.flat(2);
  const t = tally(all);
  // One column block per group of accounts with the same coverage: the page stays small at 1,000+ accounts.
  const groups = accountGroups(cov);
  const regionHeads = cov.regions.map((r) => `<th class="r" title="${esc(r)}">${esc(r)}</th>`).join('');
  const rows: string[] = [];
  let group = '';
  cov.controls.forEach((c, ci) => {
    if (c.group !== group) {
      group = c.group;
      rows.push(`<tr class="g"><th colspan="${1 + cov.regions.length * (groups.length + 1)}">${esc(group)}</th></tr>`);
    }
    const summary = cov.regions.map((_, ri) => {
      const s = summaryCell(column(cov, ci, ri));
      return `<td class="${s.status} sum" title="${esc(`${c.label} in ${cov.regions[ri]}: ${s.text} accounts covered`)}">${s.text}</td>`;
    });
    const cells = groups.map((g) =>
      cov.regions.map((r, ri) => {
        const a = cov.accounts[g[0]];
        const cell = cov.cells[ci][g[0]][ri];
        const who = g.length === 1 ? `${a.name} (${a.id})` : `${g.length} accounts (${names(g.map((i) => cov.accounts[i]), 3)})`;
        const title = `${who} · ${r} · ${c.label}: ${WORD[cell.status]} — ${cell.how}`;
        return `<td class="${cell.status}" title="${esc(title)}">${HTML_SYMBOL[cell.status]}</td>`;
      }).join(''),
    );
    rows.push(`<tr><th class="c">${esc(c.label)}</th>${summary.join('')}${cells.join('')}</tr>`);
  });
  const accountHeads = groups
    .map((g, gi) => {
      const a = cov.accounts[g[0]];
      if (g.length === 1) return `<th colspan="${cov.regions.length}" class="a" title="${esc(`${a.id} (${a.role})`)}">${esc(a.name)}<br><small>${esc(a.id)}</small></th>`;
      return `<th colspan="${cov.regions.length}" class="a"><a href="#group-${gi}">${g.length} accounts</a><br><small>${esc(names(g.map((i) => cov.accounts[i]), 2))}</small></th>`;
    })
    .join('');
  const groupLists = groups
    .map((g, gi) => (g.length === 1 ? '' : `<details id="group-${gi}"><summary>${g.length} accounts with the same coverage (${esc(names(g.map((i) => cov.accounts[i]), 3))})</summary>
<p class="accounts">${g.map((i) => `${esc(cov.accounts[i].name)} <small>${esc(cov.accounts[i].id)}</small>`).join(', ')}</p></details>`))
    .filter(Boolean)
    .join('\n');
  const warnings = cov.warnings.map((w) => `<p class="warn">⚠️ ${esc(w)}</p>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>org-guard coverage: ${esc(cov.organizationId)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1f2328; }
h1 { font-size: 1.4rem; margin: 0 0 .5rem; }
.meta, .legend { margin: .25rem 0; }
.wrap { overflow: auto; max-height: 85vh; border: 1px solid #d0d7de; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d7de; padding: 2px 4px; text-align: center; white-space: nowrap; }
thead th { position: sticky; top: 0; background: #f6f8fa; z-index: 2; }
thead tr:nth-child(2) th { top: 2.6rem; }
th.c { position: sticky; left: 0; background: #fff; text-align: left; font-weight: normal; z-index: 1; }
tr.g th { background: #eaeef2; text-align: left; position: sticky; left: 0; }
th.r { font-size: 11px; font-weight: normal; }
.na { background: #f6f8fa; color: #6e7781; }
.covered { background: #dafbe1; color: #1a7f37; } .partial { background: #fff8c5; color: #9a6700; } .missing { background: #ffebe9; color: #cf222e; }
.legend span { padding: 0 4px; font-weight: 600; }
td.sum { font-weight: 600; }
td.sum + td:not(.sum), th.a { border-left: 2px solid #57606a; }
.warn { color: #9a6700; }
</style>
</head>
<body>
<h1>org-guard coverage: ${esc(cov.organizationId)}</h1>
<p class="meta">${cov.accounts.length} accounts × ${cov.regions.length} governed regions × ${cov.controls.length} controls = ${all.length} cells:
<b>${t.covered} covered</b>, <b>${t.partial} partial</b>, <b>${t.missing} not covered</b>${t.na ? `, ${t.na} not provided by org-guard` : ''}.
${options.source ? `Computed from ${esc(options.source).replace(/`([^`]+)`/g, '<code>$1</code>')}.` : ''}
${options.generatedAt ? `Generated ${esc(options.generatedAt)}.` : ''}</p>
<p class="legend"><span class="covered">${HTML_SYMBOL.covered}</span> covered · <span class="partial">${HTML_SYMBOL.partial}</span> partial · <span class="missing">${HTML_SYMBOL.missing}</span> not covered (the cell says what to change) · <span class="na">${HTML_SYMBOL.na}</span> not provided by org-guard. Accounts with the same coverage in every cell share one column block (the list of its accounts is below the table). Hover a cell for how the account is covered (organization auto-enable or its own resource) or what is missing. The first column group counts covered accounts per region.</p>
${warnings}
<div class="wrap">
<table>
<thead>
<tr><th class="c" rowspan="2">control</th><th colspan="${cov.regions.length}">all accounts</th>${accountHeads}</tr>
<tr>${regionHeads.repeat(groups.length + 1)}</tr>
</thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</div>
${groupLists}
</body>
</html>
`;
}
