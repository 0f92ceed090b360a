import '../../use-compile-cache'; // first: the modules below compile from the code cache
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The one sticky pull-request comment: a summary of every planned stack's result, the stacks that need
 * attention by name, and links to the full reviews (job summaries and artifacts). At 1,000 stacks it stays
 * one readable comment instead of 1,000 sections; full reviews are inlined only for a handful of stacks.
 */
export const MARKER = '<!-- org-guard-plan-review -->';
/** GitHub refuses comments over 65,536 characters. */
export const COMMENT_LIMIT = 65_000;
const MAX_ROWS = 50;
const MAX_INLINE_REVIEWS = 10;

export interface StackResult {
  stack: string;
  /** terraform plan -detailed-exitcode: 0 no changes, 2 changes, 1 failed. */
  plan: number;
  /** plan-review: 0 ok, 1 blocked, 2 unreadable; null when the plan failed. */
  review: number | null;
  review_md?: string;
}

export interface CommentInput {
  /** Every stack of the head's synthesized output. */
  allStacks: string[];
  /** The stacks selected for planning (changed-stacks' output, or every stack). */
  planned: string[];
  /** How the selection was made, shown to the reader. */
  selection: 'changed' | 'all';
  /** changed-stacks' stderr: one `vanished: <stack>: ...` line per stack that vanished. */
  vanished: string[];
  results: StackResult[];
  runUrl?: string;
  coverage?: string;
}

type Status = 'blocked' | 'failed' | 'no result' | 'changes' | 'no changes';

function statusOf(r: StackResult | undefined): Status {
  if (!r) return 'no result';
  if (r.plan === 1 || r.review === 2 || r.review === null) return 'failed';
  if (r.review === 1) return 'blocked';
  return r.plan === 2 ? 'changes' : 'no changes';
}

const LABEL: Record<Status, string> = {
  blocked: '⛔ blocked: a protected resource would be destroyed or replaced',
  failed: '⛔ plan or review failed',
  'no result': '⚠️ no result (the job did not finish)',
  changes: 'changes',
  'no changes': 'no changes',
};

function table(rows: string[], total: number, more: string): string {
  const shown = rows.slice(0, MAX_ROWS);
  let out = '| stack | result |\n|---|---|\n' + shown.join('\n') + '\n';
  if (total > shown.length) out += `\n… and ${total - shown.length} more: ${more}\n`;
  return out;
}

export function renderComment(input: CommentInput): string {
  const byStack = new Map(input.results.map((r) => [r.stack, r]));
  const status = new Map(input.planned.map((s) => [s, statusOf(byStack.get(s))]));
  const count = (s: Status) => [...status.values()].filter((v) => v === s).length;
  const where = input.runUrl ? `the job summaries and the \`plan-results-*\` artifacts of [this run](${input.runUrl})` : 'the job summaries of the plan jobs';
  const attention = input.planned.filter((s) => ['blocked', 'failed', 'no result'].includes(status.get(s)!));
  const changed = input.planned.filter((s) => status.get(s) === 'changes');

  const lines: string[] = [MARKER, '## org-guard plan review', ''];
  const verdict = attention.length > 0 ? `**⛔ ${attention.length} stack(s) need attention.**` : '**✅ No protected resource is destroyed or replaced.**';
  lines.push(verdict, '');
  const unplanned = input.allStacks.length - input.planned.length;
  lines.push(
    input.selection === 'changed'
      ? `Planned ${input.planned.length} of ${input.allStacks.length} stacks: those whose synthesized Terraform this pull request changes` +
          (unplanned > 0 ? ` (the other ${unplanned} are unchanged and were not planned).` : '.')
      : `Planned every stack (${input.planned.length}).`,
    '',
  );
  lines.push('| planned | with changes | no changes | blocked | failed | no result |', '|---|---|---|---|---|---|');
  lines.push(`| ${input.planned.length} | ${count('changes')} | ${count('no changes')} | ${count('blocked')} | ${count('failed')} | ${count('no result')} |`, '');

  if (attention.length > 0) {
    lines.push('### Needs attention', '', table(attention.map((s) => `| \`${s}\` | ${LABEL[status.get(s)!]} |`), attention.length, `see ${where}.`));
  }
  if (changed.length > 0) {
    lines.push('### Stacks with changes', '', table(changed.map((s) => `| \`${s}\` | ${LABEL.changes} |`), changed.length, `see ${where}.`));
  }
  if (input.vanished.length > 0) {
    lines.push('### Stacks that vanished', '', 'These stacks are no longer synthesized. Nothing plans, deploys or destroys them any more:', '');
    for (const v of input.vanished.slice(0, MAX_ROWS)) lines.push(`- ${v.replace(/^vanished:\s*/, '')}`);
    if (input.vanished.length > MAX_ROWS) lines.push(`- … and ${input.vanished.length - MAX_ROWS} more (see the synth job log)`);
    lines.push('');
  }
  lines.push(`Full reviews: ${where}.`, '');

  let body = lines.join('\n');
  const withReviews = input.planned.filter((s) => byStack.get(s)?.review_md);
  if (withReviews.length > 0 && withReviews.length <= MAX_INLINE_REVIEWS) {
    const details = withReviews.map((s) => `<details><summary>${s}: ${LABEL[status.get(s)!]}</summary>\n\n${byStack.get(s)!.review_md!.trim()}\n</details>`).join('\n');
    if (body.length + details.length < COMMENT_LIMIT - 2_000) body += '\n' + details + '\n';
  }
  if (input.coverage) {
    const cov = `\n<details><summary>Coverage</summary>\n\n${input.coverage.trim()}\n</details>\n`;
    body += body.length + cov.length < COMMENT_LIMIT ? cov : `\nCoverage: see the synth job summary of [this run](${input.runUrl ?? '#'}).\n`;
  }
  if (body.length > COMMENT_LIMIT) body = body.slice(0, COMMENT_LIMIT - 200) + `\n\n… truncated: see ${where}.\n`;
  return body;
}

function readLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '') : [];
}

/** Reads what the workflow's jobs left behind: the stack selection and each stack's result files. */
export function loadInput(selectionDir: string, resultsDir: string, runUrl?: string, coverageFile?: string): CommentInput {
  const results: StackResult[] = [];
  if (existsSync(resultsDir)) {
    for (const f of readdirSync(resultsDir).filter((n) => n.endsWith('.json')).sort()) {
      const r = JSON.parse(readFileSync(path.join(resultsDir, f), 'utf8')) as StackResult;
      const md = path.join(resultsDir, `${r.stack}.md`);
      if (existsSync(md)) r.review_md = readFileSync(md, 'utf8');
      results.push(r);
    }
  }
  const allStacks = readLines(path.join(selectionDir, 'all.txt'));
  const selection = existsSync(path.join(selectionDir, 'changed.txt')) ? 'changed' : 'all';
  return {
    allStacks,
    planned: selection === 'changed' ? readLines(path.join(selectionDir, 'changed.txt')) : allStacks,
    selection,
    vanished: readLines(path.join(selectionDir, 'vanished.txt')),
    results,
    runUrl,
    coverage: coverageFile && existsSync(coverageFile) ? readFileSync(coverageFile, 'utf8') : undefined,
  };
}

// usage: pr-comment.js <selection dir> <results dir> <output.md> [run url] [coverage.md]
if (require.main === module) {
  const [selection, results, output, runUrl, coverage] = process.argv.slice(2);
  if (!selection || !results || !output) {
    console.error('usage: pr-comment.js <selection dir> <results dir> <output.md> [run url] [coverage.md]');
    process.exit(2);
  }
  writeFileSync(output, renderComment(loadInput(selection, results, runUrl || undefined, coverage || undefined)));
}
