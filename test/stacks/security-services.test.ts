import { readFileSync } from 'node:fs';
import { parseConfig } from '../../config/load';
import { configOf, countResources, minimalInput, resourcesOf, synthOrg } from '../helpers';
import { REGIONS, allResources, byRegion, dependsOn } from './services-helpers';

const SECURITY = '222222222222';
const PLANS = ['S3_DATA_EVENTS', 'EKS_AUDIT_LOGS', 'EBS_MALWARE_PROTECTION', 'RDS_LOGIN_EVENTS', 'LAMBDA_NETWORK_LOGS', 'RUNTIME_MONITORING'];

describe('security stack (bundled example, 4 regions)', () => {
  const example = parseConfig(readFileSync('config/organization.yaml', 'utf8'), 'config/organization.yaml');
  const sec = synthOrg(example).security;

  describe('GuardDuty', () => {
    const detectors = byRegion(sec, 'aws_guardduty_detector');
    const orgConfigs = byRegion(sec, 'aws_guardduty_organization_configuration');

    test.each(REGIONS)('%s: detector -> organization configuration ALL, after the detector', (region) => {
      const [detName, det] = detectors[region];
      expect(det.enable).toBe(true);
      expect(det.lifecycle.prevent_destroy).toBe(true);
      const [, oc] = orgConfigs[region];
      expect(oc.auto_enable_organization_members).toBe('ALL');
      expect(oc.detector_id).toBe(`\${aws_guardduty_detector.${detName}.id}`);
      expect(dependsOn(oc, 'aws_guardduty_detector', detName)).toBe(true);
    });

    test.each(REGIONS)('%s: every protection plan auto-enabled for all accounts and on the admin detector', (region) => {
      const [ocName] = orgConfigs[region];
      const orgFeatures = resourcesOf(sec, 'aws_guardduty_organization_configuration_feature').map(([, b]) => b).filter((b) => b.region === region);
      expect(orgFeatures.map((f) => f.name).sort()).toEqual([...PLANS].sort());
      for (const f of orgFeatures) {
        expect(f.auto_enable).toBe('ALL');
        expect(dependsOn(f, 'aws_guardduty_organization_configuration', ocName)).toBe(true);
      }
      const runtime = orgFeatures.find((f) => f.name === 'RUNTIME_MONITORING');
      expect(runtime.additional_configuration).toEqual([
        { name: 'EKS_ADDON_MANAGEMENT', auto_enable: 'ALL' },
        { name: 'ECS_FARGATE_AGENT_MANAGEMENT', auto_enable: 'ALL' },
        { name: 'EC2_AGENT_MANAGEMENT', auto_enable: 'ALL' },
      ]);
      const own = resourcesOf(sec, 'aws_guardduty_detector_feature').map(([, b]) => b).filter((b) => b.region === region);
      expect(own.map((f) => [f.name, f.status]).sort()).toEqual(PLANS.map((p) => [p, 'ENABLED']).sort());
    });

    test('the detector the admin designation created is adopted by an import keyed by a lookup in its region', () => {
      for (const region of REGIONS) {
        const [detName] = detectors[region];
        const imp = sec.import!.find((i) => i.to === `aws_guardduty_detector.${detName}`);
        expect(imp.id).toMatch(new RegExp(`^\\$\\{data\\.aws_guardduty_detector\\.[^}]+\\.id\\}@${region}$`));
        const dataName = /data\.aws_guardduty_detector\.([^.]+)\.id/.exec(imp.id)![1];
        expect(sec.data!.aws_guardduty_detector[dataName].region).toBe(region);
      }
    });
  });

  test.each(REGIONS)('%s: Detective graph -> organization configuration auto-enable', (region) => {
    const [graphName, graph] = byRegion(sec, 'aws_detective_graph')[region];
    expect(graph.lifecycle.prevent_destroy).toBe(true);
    const [, oc] = byRegion(sec, 'aws_detective_organization_configuration')[region];
    expect(oc.auto_enable).toBe(true);
    expect(oc.graph_arn).toBe(`\${aws_detective_graph.${graphName}.graph_arn}`);
    expect(dependsOn(oc, 'aws_detective_graph', graphName)).toBe(true);
  });

  test.each(REGIONS)('%s: the graph ARN is published in an SSM parameter of that region (no output to copy)', (region) => {
    const [graphName] = byRegion(sec, 'aws_detective_graph')[region];
    const [, param] = byRegion(sec, 'aws_ssm_parameter', (b) => b.name === '/org-guard/detective/graph-arn')[region];
    expect(param).toMatchObject({ type: 'String', insecure_value: `\${aws_detective_graph.${graphName}.graph_arn}` });
    expect(param.value).toBeUndefined();
    expect(sec.output?.detective_graph_arns).toBeUndefined();
  });

  test.each(REGIONS)('%s: Inspector enables the admin alone, then auto-enables EC2, ECR, Lambda and Lambda code', (region) => {
    const [enName, enabler] = byRegion(sec, 'aws_inspector2_enabler', (b) => b.account_ids.includes(SECURITY))[region];
    expect(enabler.account_ids).toEqual([SECURITY]);
    expect(enabler.resource_types).toEqual(['EC2', 'ECR', 'LAMBDA', 'LAMBDA_CODE']);
    expect(enabler.timeouts.create).toBe('30m');
    const [, oc] = byRegion(sec, 'aws_inspector2_organization_configuration')[region];
    expect(oc.auto_enable).toEqual({ ec2: true, ecr: true, lambda: true, lambda_code: true });
    expect(dependsOn(oc, 'aws_inspector2_enabler', enName)).toBe(true);
  });

  test.each(REGIONS)('%s: Macie account -> organization auto-enable', (region) => {
    const [accName, acc] = byRegion(sec, 'aws_macie2_account')[region];
    expect(acc.status).toBe('ENABLED');
    const [, oc] = byRegion(sec, 'aws_macie2_organization_configuration')[region];
    expect(oc.auto_enable).toBe(true);
    expect(dependsOn(oc, 'aws_macie2_account', accName)).toBe(true);
    // The Macie designation (management) already enabled Macie in the admin: adopted, not created.
    expect(sec.import).toEqual(expect.arrayContaining([{ to: `aws_macie2_account.${accName}`, id: `${SECURITY}@${region}` }]));
  });

  test.each(REGIONS)('%s: an organization Access Analyzer', (region) => {
    const [, analyzer] = byRegion(sec, 'aws_accessanalyzer_analyzer')[region];
    expect(analyzer.type).toBe('ORGANIZATION');
  });

  describe('Security Hub central configuration', () => {
    const aggregators = resourcesOf(sec, 'aws_securityhub_finding_aggregator');
    const orgConfigs = resourcesOf(sec, 'aws_securityhub_organization_configuration');
    const policies = resourcesOf(sec, 'aws_securityhub_configuration_policy');
    const associations = resourcesOf(sec, 'aws_securityhub_configuration_policy_association');

    test('one aggregator in the home region linking the other governed regions', () => {
      expect(aggregators).toHaveLength(1);
      const [, agg] = aggregators[0];
      expect(agg.region).toBe('us-east-1');
      expect(agg.linking_mode).toBe('SPECIFIED_REGIONS');
      expect([...agg.specified_regions].sort()).toEqual(['ap-northeast-1', 'eu-west-1', 'us-west-2']);
    });

    test('one CENTRAL organization configuration, after the aggregator', () => {
      expect(orgConfigs).toHaveLength(1);
      const [, oc] = orgConfigs[0];
      expect(oc).toMatchObject({ auto_enable: false, auto_enable_standards: 'NONE', organization_configuration: { configuration_type: 'CENTRAL' } });
      expect(dependsOn(oc, 'aws_securityhub_finding_aggregator', aggregators[0][0])).toBe(true);
      expect(oc.timeouts.create).toBeDefined();
    });

    test('the policy enables FSBP and CIS v3.0.0 with region-correct ARNs and a controls block, after central configuration', () => {
      expect(policies).toHaveLength(1);
      const [, policy] = policies[0];
      expect(policy.configuration_policy.service_enabled).toBe(true);
      expect(policy.configuration_policy.enabled_standard_arns).toEqual([
        'arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0',
        'arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0',
      ]);
      // IAM.7 parameters follow the baseline password policy by default (services.securityHub.alignPasswordPolicyControl).
      expect(policy.configuration_policy.security_controls_configuration).toMatchObject({
        disabled_control_identifiers: ['IAM.6'],
        security_control_custom_parameter: [expect.objectContaining({ security_control_id: 'IAM.7' })],
      });
      expect(dependsOn(policy, 'aws_securityhub_organization_configuration', orgConfigs[0][0])).toBe(true);
    });

    // The provider's waiter fails the apply on FAILED but not when its timeout passes while PENDING
    // (internal/service/securityhub/configuration_policy_association.go, waitConfigurationPolicyAssociationSucceeded),
    // and the root's status is FAILED when any child account fails (securityhub/latest/userguide/view-policy.html):
    // a short wait keeps one broken account from failing the security stack for up to 24 hours of PENDING.
    test('one association of the policy with the organization root, waiting only briefly for the rollout', () => {
      expect(associations).toHaveLength(1);
      const [, assoc] = associations[0];
      expect(assoc.policy_id).toBe(`\${aws_securityhub_configuration_policy.${policies[0][0]}.id}`);
      // No rootId in the example: looked up from the organization.
      expect(assoc.target_id).toMatch(/^\$\{data\.aws_organizations_organization\.[^.]+\.roots\[0\]\.id\}$/);
      expect(assoc.timeouts).toEqual({ create: '5m', update: '5m' });
    });

    // Under central configuration the policy associated with the root enables Security Hub in every centrally
    // managed account, the management account included; only the delegated administrator configures them
    // (securityhub/latest/userguide/central-configuration-intro.html, securityhub-accounts-orgs.html: "Treat existing
    // organization accounts as Security Hub member accounts. This happens automatically if you use central
    // configuration"). A hub resource in another stack would be a second owner the policy overrides.
    test('no aws_securityhub_account outside the security stack: the root association covers the management account', () => {
      const all = synthOrg(example);
      for (const [name, stack] of Object.entries(all)) {
        if (name !== 'security') expect([name, resourcesOf(stack, 'aws_securityhub_account')]).toEqual([name, []]);
      }
      const [, assoc] = associations[0];
      expect(assoc.target_id).toMatch(/roots\[0\]\.id/);
    });

    test('the admin hub, enabled by the designation, is imported without default standards', () => {
      const [[name, hub]] = resourcesOf(sec, 'aws_securityhub_account');
      expect(hub.enable_default_standards).toBe(false);
      expect(sec.import).toEqual(expect.arrayContaining([{ to: `aws_securityhub_account.${name}`, id: SECURITY }]));
      expect(dependsOn(aggregators[0][1], 'aws_securityhub_account', name)).toBe(true);
    });
  });

  test('a Config organization aggregator over all regions with the Organizations role', () => {
    const [[, agg]] = resourcesOf(sec, 'aws_config_configuration_aggregator');
    expect(agg.organization_aggregation_source.all_regions).toBe(true);
    const roleName = /aws_iam_role\.([^.]+)\.arn/.exec(agg.organization_aggregation_source.role_arn)![1];
    const role = sec.resource!.aws_iam_role[roleName];
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal.Service).toBe('config.amazonaws.com');
    const attachments = resourcesOf(sec, 'aws_iam_role_policy_attachment').map(([, b]) => b)
      .filter((b) => b.role === `\${aws_iam_role.${roleName}.name}`);
    expect(attachments.map((a) => a.policy_arn)).toEqual(['arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations']);
  });

  test('the security stack enrols only the two core accounts that deploy before it, never members', () => {
    const core = ['111111111111', '333333333333'];
    for (const type of ['aws_inspector2_member_association', 'aws_macie2_member', 'aws_detective_member']) {
      const enrolled = resourcesOf(sec, type).map(([, b]) => b.account_id);
      expect([...new Set(enrolled)].sort()).toEqual(core);
    }
    for (const type of ['aws_guardduty_member', 'aws_securityhub_member']) expect(resourcesOf(sec, type)).toEqual([]);
    expect(sec.provider!.aws.filter((p: any) => p.alias === 'security')).toEqual([]);
  });
});

describe('security stack: config switches', () => {
  test('a disabled plan is switched off for the organization and the admin; EKS runtime replaces runtime monitoring', () => {
    const input = minimalInput();
    input.services = {
      guardDuty: {
        protection: { rdsLoginEvents: false, runtimeMonitoring: { enabled: false }, eksRuntimeMonitoring: { enabled: true } },
        trustedIpLists: [{ name: 'office', location: 's3://org-lists/trusted.txt' }],
        threatIntelLists: [{ name: 'feed', location: 's3://org-lists/feed.txt', format: 'STIX' }],
      },
    };
    const sec = synthOrg(configOf(input)).security;
    const us = (type: string) => resourcesOf(sec, type).map(([, b]) => b).filter((b) => b.region === 'us-east-1');
    const org = us('aws_guardduty_organization_configuration_feature');
    expect(org.find((f) => f.name === 'RDS_LOGIN_EVENTS').auto_enable).toBe('NONE');
    expect(org.find((f) => f.name === 'RUNTIME_MONITORING')).toBeUndefined();
    expect(org.find((f) => f.name === 'EKS_RUNTIME_MONITORING')).toMatchObject({ auto_enable: 'ALL', additional_configuration: [{ name: 'EKS_ADDON_MANAGEMENT', auto_enable: 'ALL' }] });
    expect(us('aws_guardduty_detector_feature').find((f) => f.name === 'RDS_LOGIN_EVENTS').status).toBe('DISABLED');
    expect(us('aws_guardduty_ipset')).toEqual([expect.objectContaining({ name: 'office', location: 's3://org-lists/trusted.txt', format: 'TXT', activate: true })]);
    expect(us('aws_guardduty_threatintelset')).toEqual([expect.objectContaining({ name: 'feed', format: 'STIX', activate: true })]);
  });

  test('excluded regions, scan types, controls, root id and a single-region organization', () => {
    const input = minimalInput();
    input.organization.rootId = 'r-ab12';
    input.services = {
      inspector: { excludedRegions: ['eu-west-1'], scanTypes: { lambdaCode: false } },
      securityHub: { excludedRegions: ['us-west-2'], disabledControls: ['IAM.6'] },
      macie: { enabled: false },
      configAggregator: { enabled: false },
      accessAnalyzer: { unusedAccess: { enabled: true } },
    };
    const sec = synthOrg(configOf(input)).security;
    expect(Object.keys(byRegion(sec, 'aws_inspector2_organization_configuration')).sort()).toEqual(['ap-northeast-1', 'us-east-1', 'us-west-2']);
    expect(byRegion(sec, 'aws_inspector2_organization_configuration')['us-east-1'][1].auto_enable.lambda_code).toBe(false);
    expect(byRegion(sec, 'aws_inspector2_enabler', (b) => b.account_ids.includes(SECURITY))['us-east-1'][1].resource_types).toEqual(['EC2', 'ECR', 'LAMBDA']);
    expect(resourcesOf(sec, 'aws_securityhub_finding_aggregator')[0][1].specified_regions).toEqual(['eu-west-1', 'ap-northeast-1']);
    expect(resourcesOf(sec, 'aws_securityhub_configuration_policy')[0][1].configuration_policy.security_controls_configuration)
      .toMatchObject({ disabled_control_identifiers: ['IAM.6'] });
    expect(resourcesOf(sec, 'aws_securityhub_configuration_policy_association')[0][1].target_id).toBe('r-ab12');
    expect(resourcesOf(sec, 'aws_macie2_organization_configuration')).toEqual([]);
    expect(resourcesOf(sec, 'aws_config_configuration_aggregator')).toEqual([]);
    const unused = resourcesOf(sec, 'aws_accessanalyzer_analyzer').map(([, b]) => b).filter((b) => b.type === 'ORGANIZATION_UNUSED_ACCESS');
    expect(unused).toEqual([expect.objectContaining({ region: 'us-east-1', configuration: { unused_access: { unused_access_age: 90 } } })]);

    const single = minimalInput();
    single.organization.regions = ['us-east-1'];
    const agg = resourcesOf(synthOrg(configOf(single)).security, 'aws_securityhub_finding_aggregator')[0][1];
    expect(agg.linking_mode).toBe('NO_REGIONS');
    expect(agg.specified_regions).toBeUndefined();
  });

  test('adding member accounts changes no resource of the security stack', () => {
    const before = synthOrg(configOf()).security;
    const input = minimalInput();
    for (let i = 0; i < 5; i++) input.accounts.members.push({ name: `extra-${i}`, id: `90000000000${i}`, email: `extra${i}@example.com` });
    const after = synthOrg(configOf(input)).security;
    expect(countResources(after)).toBe(countResources(before));
    expect(allResources(after)).toEqual(allResources(before));
  });
});
