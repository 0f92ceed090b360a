import type { ChangeKind, Plan, ResourceChange } from './plan';
import { PROTECTED_RESOURCES, protectionFor, removedEntries, type ProtectionRule } from './protected-resources';

/** Kinds that remove the existing object: the ones destroy rules care about. */
const DESTRUCTIVE: ReadonlySet<ChangeKind> = new Set(['replace', 'delete']);
/** Kinds that keep an object whose attributes may lose entries: the ones attribute rules care about. */
const REWRITING: ReadonlySet<ChangeKind> = new Set(['update', 'replace']);

export interface Finding {
  stack: string;
  address: string;
  kind: ChangeKind;
  reason: string;
  /** True when an override (`--allow` / ORG_GUARD_ALLOW_DESTROY) names this address. */
  allowed: boolean;
  /** Set when the finding is an entry removed from a protected attribute (entry undefined: unknown until apply). */
  removed?: { attribute: string; entry?: string };
}

export interface StackReview {
  stack: string;
  file: string;
  plan: Plan;
  counts: Record<'create' | 'update' | 'replace' | 'delete' | 'forget' | 'unchanged', number>;
  /** Every managed resource that changes, in plan order (no-ops and data reads left out). */
  changes: ResourceChange[];
  findings: Finding[];
}

export interface ReviewOptions {
  /** Addresses allowed to be destroyed or replaced: `address` (any stack) or `stack:address`. */
  allow?: readonly string[];
  /** Extra protected resource types or addresses (`--protect`). */
  protect?: readonly string[];
  rules?: readonly ProtectionRule[];
}

export function reviewStack(stack: string, file: string, plan: Plan, options: ReviewOptions = {}): StackReview {
  const allow = new Set(options.allow ?? []);
  const counts = { create: 0, update: 0, replace: 0, delete: 0, forget: 0, unchanged: 0 };
  const changes: ResourceChange[] = [];
  const findings: Finding[] = [];
  for (const c of plan.changes) {
    if (c.mode === 'data' && (c.kind === 'read' || c.kind === 'no-op')) continue;
    if (c.kind === 'no-op' && !c.importing && !c.previousAddress) {
      counts.unchanged++;
      continue;
    }
    if (c.kind !== 'no-op' && c.kind !== 'read') counts[c.kind]++;
    else counts.unchanged++;
    changes.push(c);
    const rules = options.rules ?? PROTECTED_RESOURCES;
    const allowed = allow.has(c.address) || allow.has(`${stack}:${c.address}`);
    const target = { stack, address: c.address, type: c.type, before: c.before };
    if (DESTRUCTIVE.has(c.kind)) {
      const reason = protectionFor(target, rules, options.protect ?? []);
      if (reason) findings.push({ stack, address: c.address, kind: c.kind, reason, allowed });
    }
    if (REWRITING.has(c.kind)) {
      for (const r of removedEntries({ ...target, after: c.after, afterUnknown: c.afterUnknown }, rules)) {
        findings.push({ stack, address: c.address, kind: c.kind, reason: r.reason, allowed, removed: { attribute: r.attribute, entry: r.entry } });
      }
    }
  }
  return { stack, file, plan, counts, changes, findings };
}

export function isBlocked(reviews: readonly StackReview[]): boolean {
  return reviews.some((r) => r.findings.some((f) => !f.allowed));
}

/** Override entries that matched nothing: usually a typo, worth a warning. */
export function unusedAllows(reviews: readonly StackReview[], allow: readonly string[]): string[] {
  const used = new Set(reviews.flatMap((r) => r.findings.flatMap((f) => [f.address, `${f.stack}:${f.address}`])));
  return allow.filter((a) => !used.has(a));
}

// ---- Markdown ----

function code(text: string): string {
  // Pipes would split a table cell; backticks inside need a longer fence.
  const escaped = text.replace(/\|/g, '\\|');
  return escaped.includes('`') ? `\`\` ${escaped} \`\`` : `\`${escaped}\``;
}

function describe(c: ResourceChange): string {
  const parts: string[] = [c.kind === 'no-op' ? 'no change' : c.kind];
  if (c.kind === 'replace') parts[0] = c.actions[0] === 'create' ? 'replace (create before destroy)' : 'replace (destroy before create)';
  if (c.kind === 'forget') parts[0] = 'forget (removed from state, not destroyed)';
  if (c.importing) parts.push('import');
  if (c.previousAddress) parts.push(`moved from ${code(c.previousAddress)}`);
  if (c.deposed) parts.push(`deposed object ${c.deposed}`);
  if (c.actionReason) parts.push(c.actionReason.replace(/_/g, ' '));
  if (c.kind === 'replace' && c.replacePaths.length > 0) parts.push(`forced by ${c.replacePaths.map((p) => code(attributePath(p))).join(', ')}`);
  return parts.join(', ');
}

/** ["ingress", 0, "cidr_blocks"] -> ingress[0].cidr_blocks */
export function attributePath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}

function shortEffect(f: Finding): string {
  if (!f.removed) return f.kind === 'delete' ? 'destroyed' : 'replaced';
  return f.removed.entry === undefined ? `may lose entries of \`${f.removed.attribute}\`` : `loses ${code(f.removed.entry)}`;
}

/** How a finding reads after its address: what would happen to it. */
function effect(f: Finding): string {
  if (f.removed) {
    return f.removed.entry === undefined
      ? `may **lose entries** of \`${f.removed.attribute}\``
      : `would **lose** ${code(f.removed.entry)} from \`${f.removed.attribute}\``;
  }
  return `would be **${f.kind === 'delete' ? 'destroyed' : 'replaced'}**`;
}

export function countsLine(r: StackReview): string {
  const { create, update, replace, delete: del, forget, unchanged } = r.counts;
  let line = `**${create} to create, ${update} to update, ${replace} to replace, ${del} to delete**`;
  if (forget > 0) line += `, ${forget} to forget`;
  return `${line} (${unchanged} unchanged)`;
}

export function renderStack(r: StackReview): string {
  const out: string[] = [];
  const blocked = r.findings.filter((f) => !f.allowed);
  out.push(`### ${blocked.length > 0 ? '⛔' : '✅'} Stack \`${r.stack}\``, '');
  out.push(countsLine(r), '');
  if (!r.plan.complete) {
    out.push('> ⚠️ The plan is incomplete (deferred changes or -target): a later plan may show more changes.', '');
  }
  if (r.changes.length === 0) {
    out.push('No changes.', '');
  } else {
    out.push('| address | action |', '|---|---|');
    for (const c of r.changes) out.push(`| ${code(c.address)} | ${describe(c)} |`);
    out.push('');
  }
  if (r.findings.length > 0) {
    out.push('#### Blocked', '');
    for (const f of r.findings) {
      const status = f.allowed ? ' — **allowed by override**' : '';
      out.push(`- ${code(f.address)} ${effect(f)}${status}: ${f.reason}`);
    }
    out.push('');
  }
  if (r.plan.drift.length > 0) {
    out.push(`#### Drift (${r.plan.drift.length} changed outside Terraform)`, '');
    for (const d of r.plan.drift) {
      const what = d.actions.includes('delete') && !d.actions.includes('create')
        ? ': deleted outside Terraform'
        : d.changedAttributes.length > 0 ? `: ${d.changedAttributes.map(code).join(', ')} changed` : '';
      out.push(`- ${code(d.address)} (${d.actions.join(', ')})${what}`);
    }
    out.push('');
  }
  return out.join('\n');
}

export function renderReport(reviews: readonly StackReview[], warnings: readonly string[] = []): string {
  const out: string[] = ['## org-guard plan review', ''];
  const blocked = reviews.flatMap((r) => r.findings.filter((f) => !f.allowed));
  const allowed = reviews.flatMap((r) => r.findings.filter((f) => f.allowed));
  if (blocked.length > 0) {
    out.push(
      `**Result: BLOCKED.** ${blocked.length} protected change${blocked.length === 1 ? '' : 's'}: ` +
        blocked.map((f) => `${code(f.address)} in \`${f.stack}\` ${shortEffect(f)}`).join(', ') + '.',
      '',
      'If this is intended, re-run with `--allow <address>` for each (or set `ORG_GUARD_ALLOW_DESTROY` to a comma-separated list of addresses, `stack:address` to name one stack).',
      '',
    );
  } else {
    const note = allowed.length > 0 ? ` (${allowed.length} protected change${allowed.length === 1 ? '' : 's'} allowed by override)` : '';
    out.push(`**Result: OK.** No protected resource is destroyed or replaced, no protected entry removed${note}.`, '');
  }
  for (const w of warnings) out.push(`> ⚠️ ${w}`, '');
  out.push('| stack | create | update | replace | delete | protected |', '|---|---:|---:|---:|---:|---|');
  for (const r of reviews) {
    const b = r.findings.filter((f) => !f.allowed).length;
    const a = r.findings.length - b;
    const prot = b > 0 ? `⛔ ${b} blocked` : a > 0 ? `${a} allowed` : '—';
    out.push(`| \`${r.stack}\` | ${r.counts.create} | ${r.counts.update} | ${r.counts.replace} | ${r.counts.delete} | ${prot} |`);
  }
  out.push('');
  for (const r of reviews) out.push(renderStack(r));
  return out.join('\n');
}
