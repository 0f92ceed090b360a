import { configOf, minimalInput, synthOrg } from '../helpers';

/** Onboarding an account is one config entry: its stack appears and no other stack changes. */
describe('onboarding a member account', () => {
  const before = minimalInput();
  before.organization.organizationalUnits = [{ name: 'workloads', id: 'ou-ab12-workload1' }, { name: 'sandbox', id: 'ou-ab12-sandbox01' }];
  before.accounts.members = [
    { name: 'workload-prod', id: '444444444444', ou: 'workloads' },
    { name: 'workload-dev', id: '555555555555', email: 'aws-dev@example.com', ou: 'workloads' },
  ];
  const after = structuredClone(before);
  after.accounts.members.push({ name: 'sandbox-alice', id: '666666666666', email: 'aws-alice@example.com', ou: 'sandbox' });

  const old = synthOrg(configOf(before));
  const updated = synthOrg(configOf(after));

  test('adds exactly one stack, named after the entry, pinned to its account', () => {
    const added = Object.keys(updated).filter((n) => !(n in old));
    expect(added).toEqual(['sandbox-alice']);
    expect(Object.keys(old).filter((n) => !(n in updated))).toEqual([]);
    const [aws] = updated['sandbox-alice'].provider!.aws.filter((p: any) => !p.alias);
    expect(aws.allowed_account_ids).toEqual(['666666666666']);
  });

  test('the new stack has the account baseline', () => {
    const json = updated['sandbox-alice'];
    expect(Object.keys(json.resource!.aws_s3_account_public_access_block ?? {})).toHaveLength(1);
    expect(Object.keys(json.resource!.aws_iam_account_password_policy ?? {})).toHaveLength(1);
    expect(Object.keys(json.resource!.aws_ebs_encryption_by_default ?? {})).toHaveLength(before.organization.regions.length);
  });

  test.each(['workload-prod', 'workload-dev'])('the existing member stack %s is byte-identical', (name) => {
    expect(JSON.stringify(updated[name])).toBe(JSON.stringify(old[name]));
  });

  test.each(['log-archive', 'management', 'security'])('the core stack %s is byte-identical (org-wide auto-enable covers the new account)', (name) => {
    expect(JSON.stringify(updated[name])).toBe(JSON.stringify(old[name]));
  });
});
