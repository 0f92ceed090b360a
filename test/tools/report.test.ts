import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../config/load';
import { CONTROLS } from '../../tools/report/controls';
import { accountGroups, computeCoverage, readSynthesized, type Coverage } from '../../tools/report/coverage';
import { renderHtml, renderMarkdown } from '../../tools/report/render';
import { main } from '../../tools/report/main';
import { accountsOf } from '../../tools/report/model';
import { configOf, minimalInput, synthOrg, synthToDir } from '../helpers';
import { cell, coverageOf } from './report-helpers';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1'];



const statusOf = (cov: Coverage, control: string, account: string, region: string) => cell(cov, control, account, region).status;

/** Writes a real cdktf output directory (manifest + stacks) for a config file. */
function synthTo(configFile: string, outdir: string): void {
  synthToDir(loadConfig(configFile), outdir);
}

describe('npm run report on the bundled example', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'org-guard-report-'));
  const out = path.join(work, 'cdktf.out');
  const reports = path.join(work, 'reports');
  let stdout = '';
  let code = -1;
  const synthCalls: string[] = [];

  beforeAll(() => {
    code = main(['--config', DEFAULT_CONFIG_PATH, '--report-dir', reports], { CDKTF_OUTDIR: out }, {
      stdout: (t) => (stdout += t),
      stderr: () => undefined,
    }, (configFile, outdir) => {
      synthCalls.push(outdir);
      synthTo(configFile, outdir);
    });
  });

  const config = loadConfig(DEFAULT_CONFIG_PATH);
  const accounts = ['management', 'security', 'log-archive', ...config.accounts.members.map((m) => m.name)];
  const regions = config.organization.regions;

  test('synthesizes first, into a temporary directory (never $CDKTF_OUTDIR or cdktf.out), then writes Markdown and HTML', () => {
    expect(code).toBe(0);
    expect(synthCalls).toHaveLength(1);
    expect(synthCalls[0]).not.toBe(out);
    expect(path.relative(tmpdir(), synthCalls[0]).startsWith('..')).toBe(false);
    // removed afterwards, and the user's output untouched
    expect(existsSync(synthCalls[0])).toBe(false);
    expect(existsSync(out)).toBe(false);
    synthTo(DEFAULT_CONFIG_PATH, out);
    expect(stdout).toContain(`wrote ${path.join(reports, 'coverage.md')} and ${path.join(reports, 'coverage.html')}`);
  });

  test('the Markdown has a cell for every account, region and control', () => {
    const md = readFileSync(path.join(reports, 'coverage.md'), 'utf8');
    const id = (name: string) => accountsOf(config).find((a) => a.name === name)!.id;
    const sections = md.split('<details>').slice(1).map((d) => d.split('</details>')[0]);
    for (const account of accounts) {
      // its own table, or the table of the group of accounts that read the same
      const mine = sections.filter((d) => d.includes(`<summary><b>${account}</b>`) || d.includes(`${account} (${id(account)})`));
      expect(mine).toHaveLength(1);
      const section = mine[0];
      const rows = section.split('\n').filter((l) => /^\| [A-Z]/.test(l) && !l.startsWith('| control'));
      expect(rows).toHaveLength(CONTROLS.length);
      for (const row of rows) expect(row.split(' | ').length).toBe(regions.length + 1);
      for (const row of rows) expect(row).toMatch(/^\| .+ \| (✅|🟡|❌|⬜) /);
    }
    expect(md).toContain(`| control | ${regions.join(' | ')} |`);
  });

  test('the HTML page is self-contained and has every cell, with how it is covered', () => {
    const html = readFileSync(path.join(reports, 'coverage.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/);
    // Plain glyphs, not emoji: the page must read on machines without an emoji font.
    expect(html).not.toMatch(/[\u{1F300}-\u{1FAFF}\u{2705}\u{274C}]/u);
    expect(html).toMatch(/<td class="covered" title="[^"]+">✓<\/td>/);
    const cells = html.match(/<td class="(covered|partial|missing|na)" title="[^"]+">/g) ?? [];
    // one column block per group of accounts that read the same in every cell
    const groups = accountGroups(computeCoverage(config, readSynthesized(out)));
    expect(cells).toHaveLength(groups.length * regions.length * CONTROLS.length);
    for (const account of accounts) expect(html).toContain(account);
    expect(html).toMatch(/title="[^"]*workload-prod[^"]* · eu-west-1 · GuardDuty: covered — org auto-enable \(ALL accounts\)"/);
  });

  test('--out reads an existing synthesized directory without synthesizing', () => {
    const again = path.join(work, 'again');
    const calls: string[] = [];
    const r = main(['--config', DEFAULT_CONFIG_PATH, '--out', out, '--report-dir', again, '--details', 'none'], {}, {
      stdout: () => undefined,
      stderr: () => undefined,
    }, (c) => calls.push(c));
    expect(r).toBe(0);
    expect(calls).toEqual([]);
    expect(readFileSync(path.join(again, 'coverage.md'), 'utf8')).not.toContain('<details>');
  });

  test('a missing synthesized directory is a clear error', () => {
    let stderr = '';
    const r = main(['--config', DEFAULT_CONFIG_PATH, '--out', path.join(work, 'nothing')], {}, {
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
    });
    expect(r).toBe(1);
    expect(stderr).toContain('manifest.json not found: synthesize first');
  });
});

describe('the matrix follows the config', () => {
  const base = coverageOf(minimalInput());

  test('defaults: org-wide services cover every account, Detective only the admin until graphs are configured', () => {
    for (const account of ['management', 'security', 'log-archive', 'workload-prod']) {
      for (const region of REGIONS) {
        for (const control of ['guardduty', 'guardduty-runtime-monitoring', 'securityhub', 'securityhub-fsbp', 'inspector-ec2', 'cloudtrail', 'ebs-encryption', 'password-policy']) {
          expect([control, account, region, statusOf(base, control, account, region)]).toEqual([control, account, region, 'covered']);
        }
      }
    }
    expect(cell(base, 'guardduty', 'security', 'us-east-1').how).toBe('own detector');
    expect(cell(base, 'guardduty', 'workload-prod', 'us-east-1').how).toBe('org auto-enable (ALL accounts)');
    expect(cell(base, 'inspector-ec2', 'workload-prod', 'us-east-1').how).toBe('enrolled (member association + enabler)');
    expect(cell(base, 'inspector-ec2', 'security', 'us-east-1').how).toBe('own enabler');
    expect(statusOf(base, 'detective', 'security', 'us-west-2')).toBe('covered');
    expect(statusOf(base, 'detective', 'workload-prod', 'us-west-2')).toBe('partial');
    // The minimal config has no emails: Macie cannot enrol existing accounts.
    expect(statusOf(base, 'macie', 'workload-prod', 'eu-west-1')).toBe('partial');
    expect(statusOf(base, 'securityhub-nist', 'workload-prod', 'eu-west-1')).toBe('missing');
  });

  test('turning GuardDuty off empties its rows', () => {
    const input = minimalInput();
    input.services = { guardDuty: { enabled: false } };
    const cov = coverageOf(input);
    for (const region of REGIONS) {
      expect(statusOf(cov, 'guardduty', 'workload-prod', region)).toBe('missing');
      expect(statusOf(cov, 'guardduty-s3-data-events', 'security', region)).toBe('missing');
    }
    expect(statusOf(cov, 'securityhub', 'workload-prod', 'us-east-1')).toBe('covered');
  });

  test('a protection plan switched off is off for members and the admin alike', () => {
    const input = minimalInput();
    input.services = { guardDuty: { protection: { rdsLoginEvents: false } } };
    const cov = coverageOf(input);
    expect(statusOf(cov, 'guardduty-rds-login-events', 'workload-prod', 'us-east-1')).toBe('missing');
    expect(statusOf(cov, 'guardduty-rds-login-events', 'security', 'us-east-1')).toBe('missing');
    expect(statusOf(cov, 'guardduty-s3-data-events', 'workload-prod', 'us-east-1')).toBe('covered');
  });

  test('excluding a region for a service and adding a Security Hub standard', () => {
    const input = minimalInput();
    input.services = {
      macie: { excludedRegions: ['eu-west-1'] },
      securityHub: { excludedRegions: ['ap-northeast-1'], standards: ['aws-foundational-security-best-practices/v/1.0.0', 'nist-800-53/v/5.0.0'] },
    };
    const cov = coverageOf(input);
    expect(statusOf(cov, 'macie', 'security', 'eu-west-1')).toBe('missing');
    expect(statusOf(cov, 'macie', 'security', 'us-west-2')).toBe('covered');
    expect(statusOf(cov, 'securityhub-nist', 'workload-prod', 'us-west-2')).toBe('covered');
    expect(statusOf(cov, 'securityhub-cis', 'workload-prod', 'us-west-2')).toBe('missing');
    // A gap the config made names the key that closes it.
    expect(cell(cov, 'securityhub', 'workload-prod', 'ap-northeast-1')).toEqual({
      status: 'missing', how: 'off in the config: remove ap-northeast-1 from services.securityHub.excludedRegions',
    });
    expect(cell(cov, 'macie', 'workload-prod', 'eu-west-1').how).toBe('off in the config: remove eu-west-1 from services.macie.excludedRegions');
    expect(cell(cov, 'securityhub-cis', 'workload-prod', 'us-west-2').how).toBe(
      'off in the config: add cis-aws-foundations-benchmark/v/<version> to services.securityHub.standards');
  });

  test('a new member gets a column of its own, covered by org-wide settings and its own stack', () => {
    const input = minimalInput();
    input.accounts.members.push({ name: 'workload-dev', id: '555555555555', email: 'dev@example.com' });
    const cov = coverageOf(input);
    expect(cov.accounts.map((a) => a.name)).toContain('workload-dev');
    expect(cov.cells[0]).toHaveLength(5);
    expect(statusOf(cov, 'guardduty', 'workload-dev', 'eu-west-1')).toBe('covered');
    expect(statusOf(cov, 'macie', 'workload-dev', 'eu-west-1')).toBe('covered');
    expect(statusOf(cov, 'ebs-encryption', 'workload-dev', 'eu-west-1')).toBe('covered');
    expect(statusOf(cov, 'inspector-lambda-code', 'workload-dev', 'eu-west-1')).toBe('covered');
  });

  test('a new governed region adds a column for every account and control', () => {
    const input = minimalInput();
    input.organization.regions.push('eu-central-1');
    const cov = coverageOf(input);
    expect(cov.regions).toEqual([...REGIONS, 'eu-central-1']);
    expect(cov.cells.every((byAccount) => byAccount.every((byRegion) => byRegion.length === 5))).toBe(true);
    expect(statusOf(cov, 'guardduty', 'workload-prod', 'eu-central-1')).toBe('covered');
    expect(statusOf(cov, 'ebs-encryption', 'log-archive', 'eu-central-1')).toBe('covered');
  });

  test('an account left out of member enrolment falls back to auto-enable (new accounts only)', () => {
    const input = minimalInput();
    input.services = { memberEnrolment: { skipAccounts: ['workload-prod'] } };
    const cov = coverageOf(input);
    expect(statusOf(cov, 'inspector-ec2', 'workload-prod', 'us-east-1')).toBe('partial');
    expect(statusOf(cov, 'inspector-ec2', 'management', 'us-east-1')).toBe('covered');
  });

  test('existing accounts with an email enrol in Detective in every region (graph ARN read from SSM); without email partial', () => {
    const input = minimalInput();
    input.accounts.members[0].email = 'prod@example.com';
    input.accounts.members.push({ name: 'workload-dev', id: '555555555555' });
    const cov = coverageOf(input);
    for (const region of input.organization.regions as string[]) {
      expect(cell(cov, 'detective', 'workload-prod', region)).toEqual({ status: 'covered', how: 'enrolled (aws_detective_member)' });
      expect(statusOf(cov, 'detective', 'workload-dev', region)).toBe('partial');
    }
  });

  test('baseline switches and Inspector scan types show up in their rows', () => {
    const input = minimalInput();
    input.baseline = { ebsEncryptionByDefault: false };
    input.services = { inspector: { scanTypes: { lambdaCode: false } } };
    const cov = coverageOf(input);
    expect(statusOf(cov, 'ebs-encryption', 'workload-prod', 'us-east-1')).toBe('missing');
    expect(statusOf(cov, 'inspector-lambda-code', 'workload-prod', 'us-east-1')).toBe('missing');
    expect(statusOf(cov, 'inspector-lambda', 'workload-prod', 'us-east-1')).toBe('covered');
  });

  test('Firewall Manager scope excludes an account from every policy type', () => {
    const input = minimalInput();
    input.firewallManager = { scope: { excludeAccounts: ['workload-prod'] } };
    const cov = coverageOf(input);
    expect(cell(cov, 'fms-wafv2', 'workload-prod', 'us-west-2')).toEqual({ status: 'missing', how: 'account out of policy scope (firewallManager.scope)' });
    // A policy type with a scope of its own names that key instead (the red cell says what to change).
    const own = minimalInput();
    own.firewallManager = { waf: { scope: { excludeAccounts: ['workload-prod'] } } };
    expect(cell(coverageOf(own), 'fms-wafv2', 'workload-prod', 'us-west-2')).toEqual({ status: 'missing', how: 'account out of policy scope (firewallManager.waf.scope)' });
    expect(statusOf(cov, 'fms-wafv2', 'log-archive', 'us-west-2')).toBe('covered');
    expect(statusOf(base, 'fms-wafv2', 'workload-prod', 'us-west-2')).toBe('covered');
  });

  test('without Config recording Firewall Manager cannot evaluate the account', () => {
    const input = minimalInput();
    input.firewallManager = { configRecording: { enabled: false } };
    const cov = coverageOf(input);
    expect(statusOf(cov, 'config-recorder', 'workload-prod', 'us-east-1')).toBe('missing');
    expect(cell(cov, 'fms-dns-firewall', 'workload-prod', 'us-east-1').status).toBe('partial');
  });

  test('a stack missing from the synthesized output is reported, not silently counted', () => {
    const config = configOf(minimalInput());
    const stacks = synthOrg(config);
    delete stacks['workload-prod'];
    const cov = computeCoverage(config, stacks);
    expect(cov.warnings.join('\n')).toContain('account "workload-prod" is in the config but has no synthesized stack');
    expect(statusOf(cov, 'ebs-encryption', 'workload-prod', 'us-east-1')).toBe('missing');
  });
});

describe('rules on hand-written Terraform JSON', () => {
  const input = minimalInput();
  input.organization.organizationalUnits = [{ name: 'prod', id: 'ou-ab12-prod0001' }];
  input.accounts.members.push({ name: 'sandbox', id: '555555555555' });
  input.accounts.members[0].ou = 'prod';
  const config = configOf(input);
  const provider = (id: string) => ({ aws: [{ region: 'us-east-1', allowed_account_ids: [id] }] });

  test('a Security Hub policy associated with an OU covers only that OU; GuardDuty NEW covers new accounts only', () => {
    const security = {
      provider: provider('222222222222'),
      resource: {
        aws_securityhub_organization_configuration: { org: { region: 'us-east-1', organization_configuration: { configuration_type: 'CENTRAL' } } },
        aws_securityhub_finding_aggregator: { agg: { region: 'us-east-1', linking_mode: 'ALL_REGIONS' } },
        aws_securityhub_configuration_policy: {
          p: { region: 'us-east-1', configuration_policy: { service_enabled: true, enabled_standard_arns: ['arn:aws:securityhub:us-east-1::standards/pci-dss/v/4.0.1'] } },
        },
        aws_securityhub_configuration_policy_association: {
          a: { region: 'us-east-1', policy_id: '${aws_securityhub_configuration_policy.p.id}', target_id: 'ou-ab12-prod0001' },
        },
        aws_guardduty_organization_configuration: { g: { region: 'eu-west-1', auto_enable_organization_members: 'NEW' } },
      },
    };
    const management = { provider: provider('111111111111'), resource: { aws_securityhub_organization_admin_account: { x: { admin_account_id: '222222222222' } } } };
    const cov = computeCoverage(config, { security, management });
    expect(cell(cov, 'securityhub', 'workload-prod', 'ap-northeast-1')).toEqual({ status: 'covered', how: 'central configuration (policy on OU)' });
    expect(cell(cov, 'securityhub-pci', 'workload-prod', 'ap-northeast-1')).toEqual({ status: 'covered', how: 'central policy (v4.0.1)' });
    expect(statusOf(cov, 'securityhub', 'sandbox', 'ap-northeast-1')).toBe('missing');
    expect(statusOf(cov, 'guardduty', 'sandbox', 'eu-west-1')).toBe('partial');
    expect(statusOf(cov, 'guardduty', 'sandbox', 'us-east-1')).toBe('missing');
  });

  test('resources created through an aliased provider count for that provider\'s account', () => {
    const prod = {
      provider: { aws: [{ region: 'us-east-1', allowed_account_ids: ['444444444444'] }, { alias: 'other', region: 'us-east-1', allowed_account_ids: ['555555555555'] }] },
      resource: { aws_ebs_encryption_by_default: { e: { provider: 'aws.other', region: 'us-west-2', enabled: true } } },
    };
    const cov = computeCoverage(config, { 'workload-prod': prod });
    expect(statusOf(cov, 'ebs-encryption', 'sandbox', 'us-west-2')).toBe('covered');
    expect(statusOf(cov, 'ebs-encryption', 'workload-prod', 'us-west-2')).toBe('missing');
  });
});

describe('a report people can act on', () => {
  test('controls org-guard does not implement are "not provided", never a gap', () => {
    const cov = coverageOf(minimalInput());
    for (const control of ['fms-security-groups-common', 'fms-network-acl-common']) {
      expect(cell(cov, control, 'workload-prod', 'us-east-1')).toEqual({ status: 'na', how: 'not provided by org-guard' });
    }
    const md = renderMarkdown(cov);
    expect(md).toMatch(/\| Firewall Manager: Network ACLs \| ⬜ n\/a \|/);
    expect(md).toMatch(/not provided by org-guard/);
  });

  test('every red cell of the defaults and of switched-off features says what to change', () => {
    const input = minimalInput();
    input.services = { guardDuty: { enabled: false }, inspector: { scanTypes: { lambda: false, lambdaCode: false } } };
    input.firewallManager = { waf: { enabled: false } };
    input.baseline = { ebsEncryptionByDefault: false };
    const cov = coverageOf(input);
    expect(cell(cov, 'guardduty', 'workload-prod', 'us-east-1').how).toBe('off in the config: set services.guardDuty.enabled: true');
    expect(cell(cov, 'guardduty-s3-data-events', 'workload-prod', 'us-east-1').how).toBe('off in the config: set services.guardDuty.enabled: true');
    expect(cell(cov, 'inspector-lambda', 'workload-prod', 'us-east-1').how).toBe('off in the config: set services.inspector.scanTypes.lambda: true');
    expect(cell(cov, 'fms-wafv2', 'workload-prod', 'us-east-1').how).toBe('off in the config: set firewallManager.waf.enabled: true');
    expect(cell(cov, 'fms-shield-advanced', 'workload-prod', 'us-east-1').how).toBe('off in the config: set firewallManager.shieldAdvanced.enabled: true');
    expect(cell(cov, 'ebs-encryption', 'workload-prod', 'us-east-1').how).toBe('off in the config: set baseline.ebsEncryptionByDefault: true');
    // No red cell is left without a way to act on it.
    const red = cov.cells.flat(2).filter((c) => c.status === 'missing');
    expect(red.length).toBeGreaterThan(0);
    for (const c of red) expect(c.how).toMatch(/^off in the config: /);
  });

  test('1,000 accounts that read the same share one table: the pages stay small and name every account', () => {
    const config = configOf(minimalInput());
    const stacks = synthOrg(config);
    const template = JSON.stringify(stacks['workload-prod']);
    const members = Array.from({ length: 1000 }, (_, i) => ({ name: `member-${i}`, id: String(500000000000 + i), email: `m${i}@example.com` }));
    for (const m of members) stacks[m.name] = JSON.parse(template.split(config.accounts.members[0].id).join(m.id));
    delete stacks['workload-prod'];
    const big = configOf({ ...minimalInput(), accounts: { ...minimalInput().accounts, members } });
    const cov = computeCoverage(big, stacks);
    const html = renderHtml(cov);
    const md = renderMarkdown(cov);
    // 23 MB of HTML and 8 MB of Markdown at 1,500 members before grouping
    expect(html.length).toBeLessThan(500_000);
    expect(md.length).toBeLessThan(500_000);
    for (const m of [members[0], members[999]]) {
      expect(html).toContain(`${m.name} <small>${m.id}</small>`);
      expect(md).toContain(`${m.name} (${m.id})`);
    }
    // the minimal config has no emails, so log-archive reads like every member; the management account
    // differs by one control (centralized root access manages member root users only)
    expect(md).toMatch(/<b>1001 accounts<\/b> \(log-archive, member-0, member-1, member-2, member-3 and 996 more\)/);
    // summary first
    expect(md.indexOf('| control |')).toBeLessThan(md.indexOf('<details>'));
  });
});

test('every control has a unique id', () => {
  const ids = CONTROLS.map((c) => c.id);
  expect(new Set(ids).size).toBe(ids.length);
});
