import { loadConfig } from '../../config/load';
import { configOf, minimalInput, resourcesOf, synthOrg, type TfJson } from '../helpers';
import { REGIONS, byRegion, dependsOn } from './services-helpers';

const SECURITY = '222222222222';
const GRAPH = (region: string) => `arn:aws:detective:${region}:${SECURITY}:graph:0123456789abcdef0123456789abcdef`;

function fullInput(): Record<string, any> {
  const input = minimalInput();
  input.accounts.management.email = 'mgmt@example.com';
  input.accounts.logArchive.email = 'logs@example.com';
  input.accounts.members[0].email = 'prod@example.com';
  input.accounts.members.push({ name: 'workload-dev', id: '555555555555' });
  input.services = { detective: { graphArns: Object.fromEntries(REGIONS.map((r) => [r, GRAPH(r)])) } };
  return input;
}

const REGISTRATION_TYPES = ['aws_inspector2_member_association', 'aws_inspector2_enabler', 'aws_macie2_member', 'aws_detective_member'];

function securityProvider(stack: TfJson): any[] {
  return stack.provider!.aws.filter((p: any) => p.alias === 'security');
}

describe("each account's own registrations", () => {
  const stacks = synthOrg(configOf(fullInput()));

  test.each([
    ['workload-prod', '444444444444'],
  ])('%s: one aliased provider pinned to the security account, used by exactly its registrations', (name, accountId) => {
    const stack = stacks[name];
    const [provider] = securityProvider(stack);
    expect(securityProvider(stack)).toHaveLength(1);
    expect(provider).toMatchObject({
      allowed_account_ids: [SECURITY],
      region: 'us-east-1',
      assume_role: [{ role_arn: `arn:aws:iam::${SECURITY}:role/OrganizationAccountAccessRole`, session_name: 'org-guard' }],
    });
    for (const [type, byName] of Object.entries(stack.resource ?? {})) {
      for (const body of Object.values(byName)) {
        const isRegistration = REGISTRATION_TYPES.includes(type);
        expect([type, body.provider === 'aws.security']).toEqual([type, isRegistration]);
        if (isRegistration) expect(body.account_id ?? body.account_ids).toEqual(type === 'aws_inspector2_enabler' ? [accountId] : accountId);
      }
    }
  });

  test.each(REGIONS)('%s: Inspector association then an enabler for the member id only', (region) => {
    const stack = stacks['workload-prod'];
    const [assocName, assoc] = byRegion(stack, 'aws_inspector2_member_association')[region];
    expect(assoc.account_id).toBe('444444444444');
    const [, enabler] = byRegion(stack, 'aws_inspector2_enabler')[region];
    expect(enabler.account_ids).toEqual(['444444444444']);
    expect(enabler.account_ids).not.toContain(SECURITY);
    expect(enabler.resource_types).toEqual(['EC2', 'ECR', 'LAMBDA', 'LAMBDA_CODE']);
    expect(dependsOn(enabler, 'aws_inspector2_member_association', assocName)).toBe(true);
  });

  test.each(REGIONS)('%s: Macie and Detective membership with the account email and the region graph', (region) => {
    const stack = stacks['workload-prod'];
    expect(byRegion(stack, 'aws_macie2_member')[region][1]).toMatchObject({ account_id: '444444444444', email: 'prod@example.com', status: 'ENABLED' });
    expect(byRegion(stack, 'aws_detective_member')[region][1]).toMatchObject({
      account_id: '444444444444', email_address: 'prod@example.com', graph_arn: GRAPH(region), disable_email_notification: true,
    });
  });

  test.each([
    ['management', '111111111111', 'mgmt@example.com'],
    ['log-archive', '333333333333', 'logs@example.com'],
  ])('%s deploys before the security stack, so the security stack enrols it once the admin is set up', (name, accountId, email) => {
    expect(securityProvider(stacks[name])).toEqual([]);
    for (const type of REGISTRATION_TYPES) expect(resourcesOf(stacks[name], type)).toEqual([]);

    const sec = stacks.security;
    const adminSetUp = (region: string) => [
      `aws_inspector2_enabler.${byRegion(sec, 'aws_inspector2_enabler', (b) => b.account_ids.includes(SECURITY))[region][0]}`,
      `aws_macie2_account.${byRegion(sec, 'aws_macie2_account')[region][0]}`,
      `aws_detective_graph.${byRegion(sec, 'aws_detective_graph')[region][0]}`,
    ];
    for (const region of REGIONS) {
      const [, assoc] = byRegion(sec, 'aws_inspector2_member_association', (b) => b.account_id === accountId)[region];
      const [, macie] = byRegion(sec, 'aws_macie2_member', (b) => b.account_id === accountId)[region];
      const [, detective] = byRegion(sec, 'aws_detective_member', (b) => b.account_id === accountId)[region];
      expect(macie.email).toBe(email);
      // The graph of this stack, not a copied ARN: no output round trip for the core accounts.
      expect(detective.graph_arn).toBe(`\${aws_detective_graph.${byRegion(sec, 'aws_detective_graph')[region][0]}.graph_arn}`);
      for (const body of [assoc, macie, detective]) {
        expect(body.provider ?? 'aws').toBe('aws');
        expect(body.depends_on).toEqual(expect.arrayContaining(adminSetUp(region)));
      }
    }
  });

  test('an account without email keeps Inspector but gets no Macie or Detective membership', () => {
    const dev = stacks['workload-dev'];
    expect(Object.keys(byRegion(dev, 'aws_inspector2_member_association')).sort()).toEqual([...REGIONS].sort());
    expect(resourcesOf(dev, 'aws_macie2_member')).toEqual([]);
    expect(resourcesOf(dev, 'aws_detective_member')).toEqual([]);
  });

  test('the security account, the admin, registers nothing for itself', () => {
    expect(securityProvider(stacks.security)).toEqual([]);
    for (const type of REGISTRATION_TYPES.filter((t) => t !== 'aws_inspector2_enabler')) {
      expect(resourcesOf(stacks.security, type).map(([, b]) => b.account_id)).not.toContain(SECURITY);
    }
  });

  test('no per-account Security Hub or GuardDuty resources (central configuration and ALL cover existing accounts)', () => {
    for (const name of ['workload-prod', 'workload-dev', 'management', 'log-archive']) {
      for (const type of ['aws_securityhub_account', 'aws_securityhub_member', 'aws_guardduty_member', 'aws_guardduty_detector']) {
        expect(resourcesOf(stacks[name], type)).toEqual([]);
      }
    }
  });
});

describe('registrations: config switches', () => {
  test('graphArns is only an override: other regions read the parameter; excluded regions get nothing', () => {
    const input = fullInput();
    input.services = { detective: { graphArns: { 'us-east-1': GRAPH('us-east-1') } }, macie: { excludedRegions: ['eu-west-1'] } };
    const prod = synthOrg(configOf(input))['workload-prod'];
    const detective = byRegion(prod, 'aws_detective_member');
    expect(Object.keys(detective).sort()).toEqual([...REGIONS].sort());
    expect(detective['us-east-1'][1].graph_arn).toBe(GRAPH('us-east-1'));
    expect(detective['eu-west-1'][1].graph_arn).toMatch(/^\$\{data\.aws_ssm_parameter\./);
    expect(Object.values(prod.data!.aws_ssm_parameter).map((d: any) => d.region).sort()).toEqual(REGIONS.filter((r) => r !== 'us-east-1').sort());
    expect(Object.keys(byRegion(prod, 'aws_macie2_member')).sort()).toEqual(['ap-northeast-1', 'us-east-1', 'us-west-2']);
  });

  test('skipped accounts and disabled enrolment add no provider and no registration', () => {
    const input = fullInput();
    input.services.memberEnrolment = { skipAccounts: ['workload-prod'] };
    const stacks = synthOrg(configOf(input));
    expect(securityProvider(stacks['workload-prod'])).toEqual([]);
    expect(securityProvider(stacks['workload-dev'])).toHaveLength(1);

    const off = fullInput();
    off.services.memberEnrolment = { enabled: false };
    const none = synthOrg(configOf(off));
    for (const name of ['workload-prod', 'management', 'log-archive']) {
      expect(securityProvider(none[name])).toEqual([]);
      for (const type of REGISTRATION_TYPES) expect(resourcesOf(none[name], type)).toEqual([]);
    }
    for (const type of ['aws_inspector2_member_association', 'aws_macie2_member', 'aws_detective_member']) {
      expect(resourcesOf(none.security, type)).toEqual([]);
    }
  });
});

// The provider's Read sets these ForceNew attributes from the API, which does not give the address back
// for organization members: internal/service/macie2/member.go (resourceMemberRead: d.Set(email, output.Email)),
// hashicorp/terraform-provider-aws#26218/#29013, aws/aws-sdk#456; internal/service/detective/member.go
// (resourceMemberRead: d.Set("email_address", member.EmailAddress)). A state without the email must not
// plan a replacement, so Terraform has to ignore the attribute after creation.
describe('memberships survive an email the API does not return (config/examples/full.yaml)', () => {
  const stacks = synthOrg(loadConfig('config/examples/full.yaml'));
  const all = (type: string) => Object.values(stacks).flatMap((s) => resourcesOf(s, type));

  test('every Macie membership ignores email, every Detective membership ignores email_address', () => {
    const macie = all('aws_macie2_member');
    const detective = all('aws_detective_member');
    expect(macie.length).toBeGreaterThan(0);
    expect(detective.length).toBeGreaterThan(0);
    for (const [name, body] of macie) expect([name, body.lifecycle?.ignore_changes]).toEqual([name, ['email']]);
    for (const [name, body] of detective) expect([name, body.lifecycle?.ignore_changes]).toEqual([name, ['email_address']]);
  });

  test('the email is still sent at creation (CreateMember / CreateMembers need it)', () => {
    for (const [, body] of all('aws_macie2_member')) expect(body.email).toMatch(/@/);
    for (const [, body] of all('aws_detective_member')) expect(body.email_address).toMatch(/@/);
  });

  test('the Inspector association has no email (account_id is its only ForceNew input, read back as sent)', () => {
    // internal/service/inspector2/member_association.go: schema account_id (Required, ForceNew), Read sets it from GetMember.
    for (const [, body] of all('aws_inspector2_member_association')) {
      expect(Object.keys(body).filter((k) => /mail/.test(k))).toEqual([]);
      expect(body.lifecycle).toBeUndefined();
    }
  });
});
