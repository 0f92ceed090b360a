import { AccessAnalyzerOrganization, archiveFilter } from '../../modules/access-analyzer';
import { resourcesOf } from '../helpers';
import { synthModule } from './module-helpers';
import { configOf, minimalInput, synthOrg } from '../helpers';
import { expectProblem, problemsFor } from '../config/section-problems';

// Schema: terraform-provider-aws internal/service/accessanalyzer/analyzer.go (configuration.internal_access.analysis_rule.
// inclusion {account_ids, resource_arns, resource_types}) and archive_rule.go (filter {criteria, eq, neq, contains,
// exists as a nullable-bool string}). Filter keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-filter-keys.html

describe('AccessAnalyzerOrganization: internal access and archive rules', () => {
  const json = synthModule((s) => new AccessAnalyzerOrganization(s, 'aa', {
    regions: ['eu-west-1', 'us-east-1'],
    homeRegion: 'eu-west-1',
    unusedAccess: { enabled: true },
    internalAccess: { enabled: true, region: 'eu-west-1', inclusions: [{ accountIds: ['444444444444'], resourceTypes: ['AWS::S3::Bucket'] }, { resourceArns: ['arn:aws:dynamodb:eu-west-1:555555555555:table/orders'] }] },
    archiveRules: [
      { name: 'vendor', analyzer: 'external', filter: { 'principal.AWS': { eq: ['999988887777'] }, isPublic: { eq: ['false'] } } },
      { name: 'break-glass', analyzer: 'unusedAccess', filter: { resource: { contains: ['break-glass'] } } },
      { name: 'ci', analyzer: 'internalAccess', filter: { error: { exists: false } } },
    ],
  }));
  const analyzers = resourcesOf(json, 'aws_accessanalyzer_analyzer');
  const byName = (n: string) => analyzers.find(([name]) => name.includes(n))!;

  test('one ORGANIZATION_INTERNAL_ACCESS analyzer with the inclusions of the analysis rule', () => {
    const internal = analyzers.filter(([, a]) => a.type === 'ORGANIZATION_INTERNAL_ACCESS').map(([, a]) => a);
    expect(internal).toEqual([{
      region: 'eu-west-1',
      analyzer_name: 'org-guard-organization-internal-access',
      type: 'ORGANIZATION_INTERNAL_ACCESS',
      configuration: { internal_access: { analysis_rule: { inclusion: [
        { account_ids: ['444444444444'], resource_types: ['AWS::S3::Bucket'] },
        { resource_arns: ['arn:aws:dynamodb:eu-west-1:555555555555:table/orders'] },
      ] } } },
    }]);
  });

  test('archive rules attach to their analyzer by reference, external ones in every region', () => {
    const rules = resourcesOf(json, 'aws_accessanalyzer_archive_rule').map(([, r]) => r);
    const ext = rules.filter((r) => r.rule_name === 'vendor');
    expect(ext.map((r) => r.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    for (const r of ext) expect(r.analyzer_name).toBe(`\${aws_accessanalyzer_analyzer.${byName(`external-${r.region}`)[0]}.analyzer_name}`);
    expect(ext[0].filter).toEqual([{ criteria: 'isPublic', eq: ['false'] }, { criteria: 'principal.AWS', eq: ['999988887777'] }]);
    const unused = rules.find((r) => r.rule_name === 'break-glass');
    expect(unused.analyzer_name).toBe(`\${aws_accessanalyzer_analyzer.${byName('unused-access')[0]}.analyzer_name}`);
    const internal = rules.find((r) => r.rule_name === 'ci');
    expect(internal).toMatchObject({ region: 'eu-west-1', analyzer_name: `\${aws_accessanalyzer_analyzer.${byName('internal-access')[0]}.analyzer_name}` });
    expect(internal.filter).toEqual([{ criteria: 'error', exists: 'false' }]);
  });

  test('without the switches nothing new is created', () => {
    const plain = synthModule((s) => new AccessAnalyzerOrganization(s, 'aa', { regions: ['eu-west-1'], homeRegion: 'eu-west-1' }));
    expect(resourcesOf(plain, 'aws_accessanalyzer_analyzer').map(([, a]) => a.type)).toEqual(['ORGANIZATION']);
    expect(resourcesOf(plain, 'aws_accessanalyzer_archive_rule')).toEqual([]);
    expect(archiveFilter({})).toEqual([]);
  });
});

describe('Access Analyzer config', () => {
  test('internal access is off by default; names resolve to account ids', () => {
    expect(configOf().services.accessAnalyzer.internalAccess.enabled).toBe(false);
    const input = minimalInput();
    input.services = { accessAnalyzer: {
      internalAccess: { enabled: true, include: [{ accounts: ['workload-prod', 'log-archive'] }] },
      archiveRules: [{ name: 'own', filter: { resourceOwnerAccount: { eq: ['workload-prod'] } } }],
    } };
    const cfg = configOf(input);
    expect(cfg.services.accessAnalyzer.archiveRules[0].analyzer).toBe('external');
    const sec = synthOrg(cfg).security;
    const [internal] = resourcesOf(sec, 'aws_accessanalyzer_analyzer').filter(([, a]) => a.type === 'ORGANIZATION_INTERNAL_ACCESS');
    expect(internal[1]).toMatchObject({ region: 'us-east-1', configuration: { internal_access: { analysis_rule: { inclusion: [{ account_ids: ['444444444444', '333333333333'] }] } } } });
    const rules = resourcesOf(sec, 'aws_accessanalyzer_archive_rule').map(([, r]) => r);
    expect(rules).toHaveLength(4);
    expect(rules.every((r) => JSON.stringify(r.filter) === JSON.stringify([{ criteria: 'resourceOwnerAccount', eq: ['444444444444'] }]))).toBe(true);
  });

  test('bad analyzers, filter keys and values are config errors with what is allowed', () => {
    const problems = problemsFor((i) => {
      i.services = { accessAnalyzer: {
        internalAccess: { enabled: true, region: 'eu-central-1', include: [{}, { accounts: ['nobody'], resourceTypes: ['AWS::IAM::Role'] }] },
        archiveRules: [
          { name: 'unused', analyzer: 'unusedAccess', filter: { findingType: { eq: ['UnusedIAMRole'] } } },
          { name: 'status', filter: { status: { eq: ['ACTIVE'] }, findingType: { eq: ['UnusedIAMRole'] }, isPublic: { eq: ['yes'] } } },
          { name: 'empty', filter: {} },
          { name: 'noop', filter: { resource: {} } },
          { name: 'owner', filter: { resourceOwnerAccount: { eq: ['someone'] }, 'condition.aws:SourceAccount': { eq: ['999988887777'] } } },
          { name: '9bad', filter: { resource: { eq: ['x'] } } },
        ],
      } };
    });
    const at = 'services.accessAnalyzer';
    expectProblem(problems, `${at}.internalAccess.region`, /"eu-central-1" is not a governed region/);
    expectProblem(problems, `${at}.internalAccess.include[0]`, /needs accounts, resourceTypes or resourceArns/);
    expectProblem(problems, `${at}.internalAccess.include[1].accounts[0]`, /"nobody" is not an account/);
    expectProblem(problems, `${at}.internalAccess.include[1].resourceTypes[0]`, /AWS::S3::Bucket/);
    expectProblem(problems, `${at}.archiveRules[0].analyzer`, /unused-access analyzer is off/);
    expectProblem(problems, `${at}.archiveRules[1].filter.status`, /status cannot be used in archive rules/);
    expectProblem(problems, `${at}.archiveRules[1].filter.findingType`, /not a filter key of external findings; allowed: resource, resourceType/);
    expectProblem(problems, `${at}.archiveRules[1].filter.isPublic.eq[0]`, /"yes" is not a isPublic value; allowed: true, false/);
    expectProblem(problems, `${at}.archiveRules[2].filter`, /empty filter would archive every finding/);
    expectProblem(problems, `${at}.archiveRules[3].filter.resource`, /needs eq, neq, contains or exists/);
    expectProblem(problems, `${at}.archiveRules[4].filter.resourceOwnerAccount.eq[0]`, /"someone" is not an account/);
    expectProblem(problems, `${at}.archiveRules[5].name`, /must start with a letter/);
    expect(problems.some((p) => p.path.includes('condition.aws:SourceAccount'))).toBe(false);
  });

  test('the internal-access analyzer must name resources (it is charged per monitored resource) and needs Access Analyzer', () => {
    const problems = problemsFor((i) => {
      i.services = { accessAnalyzer: { enabled: false, internalAccess: { enabled: true } } };
    });
    expectProblem(problems, 'services.accessAnalyzer.internalAccess.include', /charged per monitored resource/);
    expectProblem(problems, 'services.accessAnalyzer.internalAccess.enabled', /needs services.accessAnalyzer.enabled/);
  });
});
