import type { Stats } from './aws';
import { allCells, countStates, type Counts, type State, type VerifyResult } from './compare';

/** Facts about the run that are not part of the comparison. */
export interface RunInfo {
  exitCode: number;
  /** From the first AWS call to the result. */
  seconds: number;
  /** Seconds to compute the intended model (before) and to read AWS (part of `seconds`). */
  phases?: { intended: number; live: number };
  stats: Stats;
  /** How verify reached each account ("ambient <arn>", "assumed <role arn>"). */
  reached?: Record<string, string>;
  source?: string;
  generatedAt?: string;
}

/** Cells that need attention, in this order. */
const PROBLEM: readonly State[] = ['missing', 'failed', 'unknown', 'unmanaged'];
const WORD: Record<State, string> = {
  ok: 'ok',
  missing: 'missing',
  failed: 'failed',
  unknown: 'unknown',
  unmanaged: 'unmanaged',
  unchecked: 'unchecked',
  absent: 'not intended',
};
const SYMBOL: Record<State, string> = { ok: '✓', missing: '✗', failed: '✗', unknown: '?', unmanaged: '!', unchecked: '·', absent: '–' };

const label = (c: { group: string; label: string }) => (c.group === c.label ? c.label : `${c.group}: ${c.label}`);

/**
 * Problem cells grouped by state, what AWS returned and the cells it hit: 1,000 accounts with the same gap
 * are one line, and controls that fail for the same reason on the same cells (GuardDuty and its protection
 * plans when the membership is Removed) share it.
 */
export interface ProblemGroup {
  controls: string[];
  controlLabel: string;
  state: State;
  live: string;
  how: string;
  cells: { account: number; region: number }[];
}

export function problemGroups(r: VerifyResult): ProblemGroup[] {
  const byControl = new Map<string, ProblemGroup & { ci: number }>();
  r.cells.forEach((byAccount, ci) => byAccount.forEach((byRegion, ai) => byRegion.forEach((cell, ri) => {
    if (!PROBLEM.includes(cell.state)) return;
    const k = `${ci}\u0000${cell.state}\u0000${cell.live}`;
    let g = byControl.get(k);
    if (!g) {
      g = { ci, controls: [r.controls[ci].id], controlLabel: label(r.controls[ci]), state: cell.state, live: cell.live, how: cell.how, cells: [] };
      byControl.set(k, g);
    }
    g.cells.push({ account: ai, region: ri });
  })));
  const merged = new Map<string, ProblemGroup & { ci: number; labels: string[] }>();
  for (const g of byControl.values()) {
    const k = `${g.state}\u0000${g.live}\u0000${g.cells.map((c) => `${c.account}.${c.region}`).join(',')}`;
    const m = merged.get(k);
    if (m) {
      m.controls.push(...g.controls);
      m.labels.push(r.controls[g.ci].label);
    } else merged.set(k, { ...g, labels: [r.controls[g.ci].label] });
  }
  return [...merged.values()]
    .map(({ labels, ci: _ci, ...g }) => ({ ...g, controlLabel: labels.length === 1 ? g.controlLabel : `${labels.join(', ')}` }))
    .sort((a, b) => PROBLEM.indexOf(a.state) - PROBLEM.indexOf(b.state));
}

function some(names: string[], max: number): string {
  return names.length > max ? `${names.slice(0, max).join(', ')} and ${names.length - max} more` : names.join(', ');
}

function where(r: VerifyResult, g: ProblemGroup, max = 3): string {
  const accounts = [...new Set(g.cells.map((c) => c.account))].map((i) => `${r.accounts[i].name} (${r.accounts[i].id})`);
  const regions = [...new Set(g.cells.map((c) => c.region))].map((i) => r.regions[i]);
  if (g.cells.length === 1) return `${accounts[0]} · ${regions[0]}`;
  return `${g.cells.length} cells: ${accounts.length === 1 ? accounts[0] : `${accounts.length} accounts (${some(accounts, max)})`} · ` +
    `${regions.length === 1 ? regions[0] : regions.length === r.regions.length ? `all ${regions.length} regions` : `${regions.length} regions (${some(regions, max)})`}`;
}

function countsLine(n: Counts): string {
  return `${n.ok} ok, ${n.missing} missing, ${n.failed} failed, ${n.unknown} unknown, ${n.unmanaged} unmanaged (live, not intended)` +
    `${n.unchecked ? `, ${n.unchecked} unchecked (not readable from the management or delegated-admin account)` : ''}`;
}

function statsLine(info: RunInfo): string {
  const per = [...info.stats.calls.entries()].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${n}`).join(', ');
  return `calls: ${info.stats.total()} (${per}), ${info.stats.retries} retries, ${info.seconds.toFixed(1)} s` +
    (info.phases ? ` (AWS reads ${info.phases.live.toFixed(1)} s; the intended model before them ${info.phases.intended.toFixed(1)} s)` : '');
}

export function exitMeaning(code: number): string {
  return code === 0 ? 'every intended cell is live'
    : code === 1 ? 'something intended is missing or failed'
      : code === 3 ? 'nothing intended is missing, but some cells are unknown (a call failed)'
        : 'could not run';
}

/** The terminal summary: counts per control, then the problem groups (at most `maxLines`). */
export function renderTerminal(r: VerifyResult, info: RunInfo, maxLines = 40): string {
  const out: string[] = [];
  const n = countStates(allCells(r));
  out.push(`verify: organization ${r.organizationId}, ${r.accounts.length} accounts x ${r.regions.length} regions x ${r.controls.length} controls` +
    (r.notVerified.length ? ` (${r.notVerified.length} more controls of the coverage report are not verified: see the HTML report)` : ''));
  if (info.reached) out.push(`reached: ${Object.entries(info.reached).map(([a, h]) => `${a} as ${h}`).join('; ')}`);
  for (const w of r.warnings) out.push(`warning: ${w}`);
  out.push(`cells: ${countsLine(n)}`);
  const width = Math.max(...r.controls.map((c) => label(c).length), 7);
  out.push('', `  ${'control'.padEnd(width)}  ok/intended  problems`);
  r.controls.forEach((c, ci) => {
    const t = countStates(r.cells[ci].flat());
    const intended = t.ok + t.missing + t.failed + (t.unknown) + t.unchecked;
    const problems = PROBLEM.filter((s) => t[s] > 0).map((s) => `${t[s]} ${WORD[s]}`).join(', ');
    out.push(`  ${label(c).padEnd(width)}  ${(intended ? `${t.ok}/${intended}` : '–').padStart(11)}  ${problems || (intended ? '' : 'not intended')}`.trimEnd());
  });
  const groups = problemGroups(r);
  if (groups.length) {
    out.push('', 'problems (grouped by control, state and what AWS returned):');
    for (const g of groups.slice(0, maxLines)) {
      out.push(`  ${SYMBOL[g.state]} ${WORD[g.state].padEnd(9)} ${g.controlLabel} · ${where(r, g)}: ${g.live}`);
    }
    if (groups.length > maxLines) out.push(`  ... and ${groups.length - maxLines} more groups (all in the HTML report and --json)`);
  }
  if (r.accountIssues.length) {
    out.push('', 'accounts of the config:');
    for (const a of r.accountIssues) out.push(`  ${SYMBOL[a.state]} ${a.state.padEnd(9)} ${a.name} (${a.id}): ${a.detail}`);
  }
  if (r.unmanagedUnknown) out.push('', `organization accounts not in the config: unknown (${r.unmanagedUnknown})`);
  else if (r.unmanagedAccounts.length) {
    out.push('', `organization accounts not in the config (${r.unmanagedAccounts.length}):`);
    for (const a of r.unmanagedAccounts.slice(0, maxLines)) {
      const live = a.live.map((x) => `${x.label} ${x.regions}/${r.regions.length}`).join(', ');
      out.push(`  ! ${a.id} ${a.name} <${a.email}> (${a.state}${a.joined ? `, ${a.joined}` : ''})${live ? `: live ${live}` : ''}`);
    }
    if (r.unmanagedAccounts.length > maxLines) out.push(`  ... and ${r.unmanagedAccounts.length - maxLines} more`);
  }
  if (r.policies.length) {
    const bad = r.policies.filter((p) => p.state !== 'ok');
    out.push('', `organization policies: ${r.policies.length - bad.length}/${r.policies.length} attached as declared`);
    for (const p of bad) out.push(`  ${SYMBOL[p.state]} ${p.state.padEnd(9)} ${p.name} (${p.type}): ${p.detail}`);
  }
  out.push('', statsLine(info));
  return `${out.join('\n')}\n`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** Worst state of a set of cells, for the colour of a summary cell. */
function worst(t: Counts): string {
  if (t.missing || t.failed) return 'missing';
  if (t.unknown) return 'unknown';
  if (t.unmanaged) return 'unmanaged';
  if (t.ok) return 'ok';
  return 'na';
}

/** One self-contained page (no scripts, no external assets), styled like the coverage report. */
export function renderHtml(r: VerifyResult, info: RunInfo): string {
  const n = countStates(allCells(r));
  const groups = problemGroups(r);
  const rows: string[] = [];
  let group = '';
  r.controls.forEach((c, ci) => {
    if (c.group !== group) {
      group = c.group;
      rows.push(`<tr class="g"><th colspan="${1 + r.regions.length}">${esc(group)}</th></tr>`);
    }
    const cells = r.regions.map((region, ri) => {
      const t = countStates(r.accounts.map((_, ai) => r.cells[ci][ai][ri]));
      const intended = t.ok + t.missing + t.failed + t.unknown + t.unchecked;
      const title = `${c.label} in ${region}: ${countsLine(t)}`;
      const extra = PROBLEM.filter((s) => t[s] > 0).map((s) => `${t[s]}${SYMBOL[s]}`).join(' ');
      return `<td class="${worst(t)}" title="${esc(title)}">${intended || t.unmanaged ? `${t.ok}/${intended}${extra ? ` <small>${esc(extra)}</small>` : ''}` : '–'}</td>`;
    });
    rows.push(`<tr><th class="c">${esc(c.label)}</th>${cells.join('')}</tr>`);
  });
  const problemRows = groups.map((g) => {
    const accounts = [...new Set(g.cells.map((c) => c.account))].map((i) => `${r.accounts[i].name} (${r.accounts[i].id})`);
    const regions = [...new Set(g.cells.map((c) => c.region))].map((i) => r.regions[i]);
    return `<tr><td class="${g.state === 'failed' ? 'missing' : g.state}">${esc(WORD[g.state])}</td><td>${esc(g.controlLabel)}</td>` +
      `<td>${esc(accounts.join(', '))}</td><td>${esc(regions.length === r.regions.length && regions.length > 1 ? `all ${regions.length} regions` : regions.join(', '))}</td>` +
      `<td>${esc(g.live)}</td><td class="how">${esc(g.how)}</td></tr>`;
  });
  const table = (head: string[], body: string[]) =>
    body.length ? `<table class="list"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n${body.join('\n')}\n</tbody></table>` : '<p>None.</p>';
  const accountRows = r.accountIssues.map((a) => `<tr><td class="${a.state === 'failed' ? 'missing' : a.state}">${esc(a.state)}</td><td>${esc(a.name)}</td><td>${esc(a.id)}</td><td>${esc(a.detail)}</td></tr>`);
  const unmanagedRows = r.unmanagedAccounts.map((a) => `<tr><td>${esc(a.id)}</td><td>${esc(a.name)}</td><td>${esc(a.email)}</td><td>${esc(a.state)}</td><td>${esc(a.joined)}</td>` +
    `<td>${esc(a.live.map((x) => `${x.label} ${x.regions}/${r.regions.length}`).join(', ') || 'nothing org-guard verifies')}</td></tr>`);
  const policyRows = r.policies.map((p) => `<tr><td class="${p.state}">${esc(p.state)}</td><td>${esc(p.name)}</td><td>${esc(p.type)}</td><td>${esc(p.declared.join(', '))}</td>` +
    `<td>${esc((p.live ?? []).join(', '))}</td><td>${esc(p.detail)}</td></tr>`);
  const failureRows = r.failures.map((f) => `<tr><td>${esc(f.action)}</td><td>${esc(f.account)}</td><td>${esc(f.region)}</td><td>${esc(f.code)}</td><td>${esc(f.kind)}</td><td>${esc(f.message)}</td></tr>`);
  const per = [...info.stats.calls.entries()].sort((a, b) => b[1] - a[1]).map(([s, c]) => `${esc(s)} ${c}`).join(', ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>org-guard verify: ${esc(r.organizationId)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1f2328; }
h1 { font-size: 1.4rem; margin: 0 0 .5rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.meta, .legend { margin: .25rem 0; }
.wrap { overflow: auto; max-height: 85vh; border: 1px solid #d0d7de; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d7de; padding: 2px 4px; text-align: center; white-space: nowrap; }
table.list td { white-space: normal; text-align: left; max-width: 40rem; }
thead th { position: sticky; top: 0; background: #f6f8fa; z-index: 2; }
th.c { position: sticky; left: 0; background: #fff; text-align: left; font-weight: normal; z-index: 1; }
tr.g th { background: #eaeef2; text-align: left; position: sticky; left: 0; }
.na { background: #f6f8fa; color: #6e7781; }
.ok { background: #dafbe1; color: #1a7f37; } .missing, .failed { background: #ffebe9; color: #cf222e; }
.unknown { background: #fff8c5; color: #9a6700; } .unmanaged { background: #fbefff; color: #8250df; } .unchecked { background: #f6f8fa; color: #57606a; }
td.how { color: #57606a; }
.legend span { padding: 0 4px; font-weight: 600; }
.warn { color: #9a6700; }
</style>
</head>
<body>
<h1>org-guard verify: ${esc(r.organizationId)}</h1>
<p class="meta">${r.accounts.length} accounts × ${r.regions.length} governed regions × ${r.controls.length} verified controls: <b>${esc(countsLine(n))}</b>.
Exit status ${info.exitCode}: ${esc(exitMeaning(info.exitCode))}.
${info.source ? `Intended state from ${esc(info.source).replace(/`([^`]+)`/g, '<code>$1</code>')}.` : ''}
${info.generatedAt ? `Generated ${esc(info.generatedAt)}.` : ''}
${info.reached ? `Read ${esc(Object.entries(info.reached).map(([a, h]) => `${a} as ${h}`).join('; '))}.` : ''}</p>
<p class="legend"><span class="ok">ok</span> intended and live · <span class="missing">missing / failed</span> intended, AWS has nothing or reports a failed state · <span class="unknown">unknown</span> the call failed (error and IAM action below) · <span class="unmanaged">unmanaged</span> live but not intended · <span class="unchecked">unchecked</span> intended, not readable from the management or delegated-admin account. A summary cell counts ok / intended accounts; hover it for every state.</p>
${r.warnings.map((w) => `<p class="warn">⚠️ ${esc(w)}</p>`).join('\n')}
<div class="wrap">
<table>
<thead><tr><th class="c">control</th>${r.regions.map((x) => `<th>${esc(x)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</div>
<h2>Problems (${groups.length} groups)</h2>
${table(['state', 'control', 'accounts', 'regions', 'AWS returned', 'intended (coverage report)'], problemRows)}
<h2>Accounts of the config</h2>
${table(['state', 'account', 'id', 'detail'], accountRows)}
<h2>Organization accounts not in the config (${r.unmanagedUnknown ? 'unknown' : r.unmanagedAccounts.length})</h2>
${r.unmanagedUnknown ? `<p class="unknown">${esc(r.unmanagedUnknown)}</p>` : table(['id', 'name', 'email', 'state', 'joined', 'live'], unmanagedRows)}
<h2>Organization policies</h2>
${table(['state', 'policy', 'type', 'declared targets', 'live targets', 'detail'], policyRows)}
<h2>Calls that failed</h2>
${table(['IAM action', 'account', 'region', 'error', 'kind', 'message'], failureRows)}
<h2>Not verified</h2>
${table(['control', 'why'], r.notVerified.map((c) => `<tr><td>${esc(c.label)}</td><td>${esc(c.why)}</td></tr>`))}
<p class="meta">${info.stats.total()} calls (${per}), ${info.stats.retries} retries, ${info.seconds.toFixed(1)} s.</p>
</body>
</html>
`;
}

/** `--json`: counts, every problem cell (not the ok ones), the sections, the calls. */
export function toJson(r: VerifyResult, info: RunInfo): unknown {
  const problems: unknown[] = [];
  // Every problem cell, one entry each (the terminal and HTML group them).
  r.cells.forEach((byAccount, ci) => byAccount.forEach((byRegion, ai) => byRegion.forEach((cell, ri) => {
    if (!PROBLEM.includes(cell.state)) return;
    problems.push({
      control: r.controls[ci].id,
      account: r.accounts[ai].id,
      accountName: r.accounts[ai].name,
      region: r.regions[ri],
      state: cell.state,
      live: cell.live,
      intended: cell.intended,
      how: cell.how,
    });
  })));
  return {
    organizationId: r.organizationId,
    exitCode: info.exitCode,
    result: exitMeaning(info.exitCode),
    generatedAt: info.generatedAt,
    reached: info.reached,
    accounts: r.accounts.length,
    regions: r.regions,
    counts: countStates(allCells(r)),
    controls: r.controls.map((c, ci) => ({ ...c, counts: countStates(r.cells[ci].flat()) })),
    problems,
    accountIssues: r.accountIssues,
    unmanagedAccounts: r.unmanagedUnknown ? null : r.unmanagedAccounts,
    unmanagedAccountsUnknown: r.unmanagedUnknown,
    policies: r.policies,
    failedCalls: r.failures,
    notVerified: r.notVerified,
    warnings: r.warnings,
    calls: {
      total: info.stats.total(),
      byService: Object.fromEntries(info.stats.calls),
      retries: info.stats.retries,
      seconds: Number(info.seconds.toFixed(2)),
      ...(info.phases ? { liveSeconds: Number(info.phases.live.toFixed(2)), intendedSeconds: Number(info.phases.intended.toFixed(2)) } : {}),
    },
  };
}
