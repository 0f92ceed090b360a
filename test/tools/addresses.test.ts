import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  RECORDED_EXAMPLES, RECORD_DIR, compareAddresses, describeDiff, isClean, readRecord, synthesizeAddresses,
} from '../../tools/addresses/record';
import { runAddresses } from '../../tools/addresses/main';

const root = path.resolve(__dirname, '../..');
const recordDir = path.join(root, RECORD_DIR);
const exampleConfig = path.join(root, 'config/organization.yaml');
const LOG_ARCHIVE_KEY = 'aws_kms_key.log-archive_key_BBF821D5';
const PASSWORD_POLICY = 'aws_iam_account_password_policy.baseline_password-policy_D12C6123';

type RecordModule = typeof import('../../tools/addresses/record');
type MainModule = typeof import('../../tools/addresses/main');

interface Rename {
  /** Deep import path of the generated resource class, and the class. */
  module: string;
  className: string;
  /** Construct id of the parent and the old and new construct id of the resource. */
  scopeId: string;
  from: string;
  to: string;
  /** Address of the old resource, for a moved block (cdktf moveFromId); absent: no moved block. */
  moveFrom?: string;
}

/**
 * One synth per config file and loaded code: the commands a test runs in a row see the same code and configs,
 * so the second one reads the first one's addresses instead of synthesizing them again.
 */
function memoized(synthesize: RecordModule['synthesizeAddresses']): RecordModule['synthesizeAddresses'] {
  const done = new Map<string, ReturnType<typeof synthesize>>();
  return (file) => {
    if (!done.has(file)) done.set(file, synthesize(file));
    return done.get(file)!;
  };
}
const synthesize = memoized(synthesizeAddresses);

/** Runs `use` with the org-guard code loaded as if one construct id had been renamed in the source. */
function withRename<T>(rename: Rename, use: (record: RecordModule, main: MainModule, synthesize: RecordModule['synthesizeAddresses']) => T): T {
  let result!: T;
  jest.isolateModules(() => {
    jest.doMock(rename.module, () => {
      const actual = jest.requireActual(rename.module);
      const Base = actual[rename.className];
      class Renamed extends Base {
        constructor(scope: { node: { id: string } }, id: string, config: unknown) {
          const hit = scope.node.id === rename.scopeId && id === rename.from;
          super(scope, hit ? rename.to : id, config);
          if (hit && rename.moveFrom) (this as unknown as { moveFromId(a: string): void }).moveFromId(rename.moveFrom);
        }
      }
      return { ...actual, [rename.className]: Renamed };
    });
    (require('../../synth') as typeof import('../../synth')).tuneCdktf(); // as `npm run addresses` does (and test/cdktf-tuned.ts, when this registry loads cdktf)
    const record: RecordModule = require('../../tools/addresses/record');
    result = use(record, require('../../tools/addresses/main'), memoized(record.synthesizeAddresses));
  });
  return result;
}

const renameKey = (moveFrom?: string): Rename => ({
  module: '@cdktf/provider-aws/lib/kms-key', className: 'KmsKey', scopeId: 'key', from: 'key', to: 'key-renamed', moveFrom,
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

describe('resource address record', () => {
  // The contract: what users deployed from the bundled configs keeps its address across versions.
  it.each(RECORDED_EXAMPLES.map((e) => [e.name, e.file]))('%s (%s) synthesizes exactly the recorded addresses', (name, file) => {
    const diff = compareAddresses(readRecord(recordDir, name), synthesize(path.join(root, file)));
    const problems = describeDiff(name, diff).filter((l) => !l.includes('(moved block)') && !l.includes('(removed block, destroy = false)'));
    expect(problems).toEqual([]);
  });

  it('fails on a renamed log-archive key, naming the address, and passes once a moved block maps it', () => {
    const recorded = readRecord(recordDir, 'organization');
    const renamed = withRename(renameKey(), (record) => record.compareAddresses(recorded, record.synthesizeAddresses(exampleConfig)));
    expect(renamed.removed).toEqual([{ stack: 'log-archive', address: LOG_ARCHIVE_KEY, protected: true }]);
    expect(describeDiff('organization', renamed).join('\n')).toContain(`${LOG_ARCHIVE_KEY} disappeared: it is a protected resource`);

    const moved = withRename(renameKey(LOG_ARCHIVE_KEY), (record) => record.compareAddresses(recorded, record.synthesizeAddresses(exampleConfig)));
    expect(isClean(moved)).toBe(true);
    expect(moved.moved).toEqual([{ stack: 'log-archive', from: LOG_ARCHIVE_KEY, to: expect.stringMatching(/^aws_kms_key\.log-archive_key_key-renamed_/) }]);
  });

  it('a moved block only counts when its target exists (a typo in "to" is still a removal)', () => {
    const diff = compareAddresses(
      new Map([['log-archive', [LOG_ARCHIVE_KEY]]]),
      new Map([['log-archive', { addresses: ['aws_kms_key.new'], moves: [{ from: LOG_ARCHIVE_KEY, to: 'aws_kms_key.nwe' }] }]]),
    );
    expect(diff.removed.map((r) => r.address)).toEqual([LOG_ARCHIVE_KEY]);
    expect(diff.added.map((a) => a.address)).toEqual(['aws_kms_key.new']);
  });

  it('a removed block with destroy = false forgets an unprotected address, never a protected one', () => {
    const diff = compareAddresses(
      new Map([['workload-prod', ['aws_ec2_image_block_public_access.a', LOG_ARCHIVE_KEY]]]),
      new Map([['workload-prod', { addresses: [], moves: [], forgotten: ['aws_ec2_image_block_public_access.a', LOG_ARCHIVE_KEY] }]]),
    );
    expect(diff.forgotten).toEqual([{ stack: 'workload-prod', address: 'aws_ec2_image_block_public_access.a' }]);
    expect(diff.removed).toEqual([{ stack: 'workload-prod', address: LOG_ARCHIVE_KEY, protected: true }]);
  });

  it('follows chained moves as Terraform does', () => {
    const diff = compareAddresses(
      new Map([['security', ['aws_guardduty_detector.a']]]),
      new Map([['security', { addresses: ['aws_guardduty_detector.c'], moves: [
        { from: 'aws_guardduty_detector.a', to: 'aws_guardduty_detector.b' },
        { from: 'aws_guardduty_detector.b', to: 'aws_guardduty_detector.c' },
      ] }]]),
    );
    expect(diff.moved).toEqual([{ stack: 'security', from: 'aws_guardduty_detector.a', to: 'aws_guardduty_detector.c' }]);
    expect(isClean(diff)).toBe(true);
  });

  describe('npm run addresses', () => {
    let scratch: string;
    beforeEach(() => {
      scratch = mkdtempSync(path.join(tmpdir(), 'org-guard-addresses-'));
      cpSync(recordDir, scratch, { recursive: true });
    });
    afterEach(() => rmSync(scratch, { recursive: true, force: true }));
    const recordText = () => readFileSync(path.join(scratch, 'organization/log-archive.txt'), 'utf8');

    it('checks the record and exits 0 when it matches', () => {
      const c = capture();
      // the command's own synthesizer, as `npm run addresses` runs it
      expect(runAddresses([], c.io, { root, recordDir: scratch })).toBe(0);
      expect(c.out.join('')).toContain('addresses match the record');
    });

    it('--update refuses to drop a protected address that has no moved block, and writes nothing', () => {
      const c = capture();
      const before = recordText();
      const code = withRename(renameKey(), (_, main, synthesize) => main.runAddresses(['--update'], c.io, { root, recordDir: scratch, synthesize }));
      expect(code).toBe(1);
      expect(c.err.join('')).toContain(`organization/log-archive: ${LOG_ARCHIVE_KEY} (aws_kms_key)`);
      expect(recordText()).toBe(before);
    });

    it('--update records a rename that has a moved block', () => {
      const code = withRename(renameKey(LOG_ARCHIVE_KEY), (_, main, synthesize) => main.runAddresses(['--update'], capture().io, { root, recordDir: scratch, synthesize }));
      expect(code).toBe(0);
      expect(recordText()).toMatch(/aws_kms_key\.log-archive_key_key-renamed_/);
      expect(recordText()).not.toContain(LOG_ARCHIVE_KEY);
    });

    it('--update records the deliberate removal of an unprotected resource; the check fails before and passes after', () => {
      const rename: Rename = {
        module: '@cdktf/provider-aws/lib/iam-account-password-policy', className: 'IamAccountPasswordPolicy',
        scopeId: 'baseline', from: 'password-policy', to: 'password-policy-v2',
      };
      withRename(rename, (_, main, synthesize) => {
        const check = capture();
        expect(main.runAddresses([], check.io, { root, recordDir: scratch, synthesize })).toBe(1);
        expect(check.err.join('')).toContain(`${PASSWORD_POLICY} disappeared`);
        expect(main.runAddresses(['--update'], capture().io, { root, recordDir: scratch, synthesize })).toBe(0);
        expect(main.runAddresses([], capture().io, { root, recordDir: scratch, synthesize })).toBe(0);
      });
    });

    it('--update on a matching record says so and writes nothing; --help prints the usage', () => {
      const c = capture();
      expect(runAddresses(['--update'], c.io, { root, recordDir: scratch, synthesize })).toBe(0);
      expect(c.out.join('')).toContain('the record is up to date');
      const h = capture();
      expect(runAddresses(['--help'], h.io, { root, recordDir: scratch, synthesize })).toBe(0);
      expect(h.out.join('')).toContain('usage: npm run addresses');
    });

    it('rejects unknown arguments', () => {
      const c = capture();
      expect(runAddresses(['--updat'], c.io, { root, recordDir: scratch, synthesize })).toBe(2);
      expect(c.err.join('')).toContain('unknown argument: --updat');
    });
  });
});
