import { FmsSecurityGroupAudit } from '../../modules/fms-security-group-audit-policy';
import { FMS_REFERENCE_TAG } from '../../modules/fms-policy-base';
import { fmsPolicies, synthWith } from './fms-test-helpers';

describe('FmsSecurityGroupAudit', () => {
  const json = synthWith((s) => new FmsSecurityGroupAudit(s, 'sg', { region: 'us-west-2', adminPorts: [22, 3389, 5432], contentAudit: true, usageAudit: true }));
  const policies = fmsPolicies(json);
  const content = policies.find((p) => p.data.type === 'SECURITY_GROUPS_CONTENT_AUDIT')!;
  const usage = policies.find((p) => p.data.type === 'SECURITY_GROUPS_USAGE_AUDIT')!;

  test('content audit denies whatever the reference group contains', () => {
    expect(content.data.securityGroupAction).toEqual({ type: 'DENY' });
    expect(content.data.securityGroups).toEqual([{ id: expect.stringMatching(/aws_security_group\.sg_admin-ports-open-to-world_[0-9A-F]+\.id/) }]);
    expect(content.body.resource_type).toBe('AWS::EC2::SecurityGroup');
  });

  test('the reference group holds every admin port open to 0.0.0.0/0 and ::/0, nothing else', () => {
    const rules = Object.values(json.resource!.aws_vpc_security_group_ingress_rule) as any[];
    const seen = rules.map((r) => `${r.ip_protocol}/${r.from_port}-${r.to_port}/${r.cidr_ipv4 ?? r.cidr_ipv6}`).sort();
    expect(seen).toEqual(
      ['tcp/22-22/0.0.0.0/0', 'tcp/22-22/::/0', 'tcp/3389-3389/0.0.0.0/0', 'tcp/3389-3389/::/0', 'tcp/5432-5432/0.0.0.0/0', 'tcp/5432-5432/::/0'].sort(),
    );
    const [sg] = Object.values(json.resource!.aws_security_group) as any[];
    expect(sg.egress).toBeUndefined();
    expect(sg.tags[FMS_REFERENCE_TAG.key]).toBe('true');
    const [def] = Object.values(json.resource!.aws_default_security_group) as any[];
    expect(def).toMatchObject({ ingress: [], egress: [] });
  });

  test('usage audit checks unused and redundant groups', () => {
    expect(usage.data).toEqual({ type: 'SECURITY_GROUPS_USAGE_AUDIT', deleteUnusedSecurityGroups: true, coalesceRedundantSecurityGroups: true, optionalDelayForUnusedInMinutes: 60 });
  });

  test('report only by default, and the reference group itself is out of scope', () => {
    for (const p of [content, usage]) {
      expect(p.body.remediation_enabled).toBe(false);
      expect(p.body.exclude_resource_tags).toBe(true);
      expect(p.body.resource_tags).toEqual({ [FMS_REFERENCE_TAG.key]: 'true' });
    }
  });

  test('content-audit remediation does not make the usage audit delete; include tags replace the marker exclusion', () => {
    const j = synthWith((s) =>
      new FmsSecurityGroupAudit(s, 'sg', { region: 'us-west-2', adminPorts: [22], contentAudit: true, usageAudit: true, remediation: true, scope: { resourceTags: { env: 'prod' } } }),
    );
    const ps = fmsPolicies(j);
    const c = ps.find((p) => p.data.type === 'SECURITY_GROUPS_CONTENT_AUDIT')!;
    const u = ps.find((p) => p.data.type === 'SECURITY_GROUPS_USAGE_AUDIT')!;
    expect(c.body).toMatchObject({ remediation_enabled: true, exclude_resource_tags: false, resource_tags: { env: 'prod' }, resource_tag_logical_operator: 'AND' });
    // With remediation FMS removes unused and merges redundant groups org-wide
    // (https://docs.aws.amazon.com/waf/latest/developerguide/security-group-policies-usage.html).
    expect(u.body.remediation_enabled).toBe(false);
  });

  test.each([
    [{ deleteUnused: true, mergeRedundant: false }, true, false],
    [{ deleteUnused: false, mergeRedundant: true }, false, true],
    [{ deleteUnused: true, mergeRedundant: true }, true, true],
  ])('usage-audit deletion %o remediates exactly the chosen rules', (usageAuditDeletion, deleteUnused, coalesce) => {
    const j = synthWith((s) => new FmsSecurityGroupAudit(s, 'sg', { region: 'us-west-2', adminPorts: [22], contentAudit: false, usageAudit: true, usageAuditDeletion }));
    const [p] = fmsPolicies(j);
    expect(p.body.remediation_enabled).toBe(true);
    expect(p.data).toMatchObject({ deleteUnusedSecurityGroups: deleteUnused, coalesceRedundantSecurityGroups: coalesce });
    expect(j.resource!.aws_vpc).toBeUndefined();
  });
});
