import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { COMMENT_LIMIT, MARKER, renderComment, type StackResult } from '../../../tools/ci/pr-comment';

const ROOT = path.join(__dirname, '..', '..', '..');
const members = (n: number) => Array.from({ length: n }, (_, i) => `member-${String(i + 1).padStart(4, '0')}`);
const CORE = ['log-archive', 'management', 'security'];
const review = (stack: string) => `## org-guard plan review\n\n### Stack \`${stack}\`\n\n${'| a | b |\n'.repeat(40)}`;

test('1,003 planned stacks: one comment under GitHub\'s size limit, naming the stacks that need attention, linking the rest', () => {
  const all = [...CORE, ...members(1000)];
  const results: StackResult[] = all.map((stack, i) => ({
    stack,
    plan: i % 100 === 7 ? 1 : i % 3 === 0 ? 2 : 0,
    review: i % 100 === 7 ? null : stack === 'member-0500' ? 1 : 0,
    review_md: review(stack),
  }));
  results.pop(); // the last shard's job died: no result for member-1000
  const body = renderComment({ allStacks: all, planned: all, selection: 'all', vanished: [], results, runUrl: 'https://github.com/o/r/actions/runs/1' });
  expect(body.startsWith(MARKER)).toBe(true);
  expect(body.length).toBeLessThan(COMMENT_LIMIT);
  expect(body).toContain('**⛔ 12 stack(s) need attention.**');
  expect(body).toContain('| 1003 | 331 | 660 | 1 | 10 | 1 |');
  expect(body).toContain('| `member-0500` | ⛔ blocked');
  expect(body).toContain('| `member-1000` | ⚠️ no result');
  // No per-stack sections at this size: the full reviews are linked.
  expect(body).not.toContain('### Stack `');
  expect(body.match(/^### /gm)).toEqual(['### ', '### ']);
  expect(body).toContain('… and 281 more: see the job summaries and the `plan-results-*` artifacts of [this run](https://github.com/o/r/actions/runs/1).');
});

test('an onboarding pull request: planned 1 of N, with that stack\'s review inline', () => {
  const all = [...CORE, ...members(600), 'sandbox-alice'];
  const body = renderComment({
    allStacks: all,
    planned: ['sandbox-alice'],
    selection: 'changed',
    vanished: [],
    results: [{ stack: 'sandbox-alice', plan: 2, review: 0, review_md: review('sandbox-alice') }],
  });
  expect(body).toContain('**✅ No protected resource is destroyed or replaced.**');
  expect(body).toContain('Planned 1 of 604 stacks: those whose synthesized Terraform this pull request changes (the other 603 are unchanged and were not planned).');
  expect(body).toContain('<details><summary>sandbox-alice: changes</summary>');
  expect(body).toContain('### Stack `sandbox-alice`');
});

test('the CLI reads the selection and result files the workflow jobs leave behind, vanished stacks included', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'org-guard-comment-'));
  mkdirSync(path.join(dir, 'selection'));
  mkdirSync(path.join(dir, 'results'));
  writeFileSync(path.join(dir, 'selection/all.txt'), 'log-archive\nmanagement\nsecurity\nworkload-prod\n');
  writeFileSync(path.join(dir, 'selection/changed.txt'), 'security\n');
  writeFileSync(path.join(dir, 'selection/vanished.txt'), 'vanished: workload-old: no longer synthesized. Follow README.md, section "Offboarding a member account".\n');
  writeFileSync(path.join(dir, 'results/security.json'), JSON.stringify({ stack: 'security', plan: 2, review: 1, applied: false }));
  writeFileSync(path.join(dir, 'results/security.md'), review('security'));
  writeFileSync(path.join(dir, 'coverage.md'), '# Coverage\n');
  const out = path.join(dir, 'comment.md');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/tools/ci/pr-comment.js'), path.join(dir, 'selection'), path.join(dir, 'results'), out, 'https://x/run', path.join(dir, 'coverage.md')], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const body = readFileSync(out, 'utf8');
  expect(body).toContain('Planned 1 of 4 stacks');
  expect(body).toContain('| `security` | ⛔ blocked');
  expect(body).toContain('### Stacks that vanished');
  expect(body).toContain('- workload-old: no longer synthesized. Follow README.md, section "Offboarding a member account".');
  expect(body).toContain('<details><summary>Coverage</summary>');
});
