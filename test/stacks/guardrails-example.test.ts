import * as path from 'node:path';
import { loadConfig } from '../../config/load';
import { PROTECTED_SERVICES } from '../../config/sections/guardrails';
import { PROTECTED_ACTIONS } from '../../modules/guardrails';
import { evaluate } from '../policy-eval';
import { resourcesOf, synthOrg } from '../helpers';

/** What the bundled example must show: guardrails at the root, the RCP, the findings topic and rules, the budget. */
describe('bundled example: guardrails, notifications, budget', () => {
  const stacks = synthOrg(loadConfig(path.resolve('config/organization.yaml')));
  const management = stacks.management;

  test('SCPs attached to the root deny disabling every protected service to any role but the deployment role', () => {
    const [[orgName]] = resourcesOf(management, 'aws_organizations_organization');
    const attachedToRoot = new Set(resourcesOf(management, 'aws_organizations_policy_attachment')
      .filter(([, a]) => a.target_id === `\${aws_organizations_organization.${orgName}.roots[0].id}`)
      .map(([, a]) => a.policy_id));
    const scps = resourcesOf(management, 'aws_organizations_policy')
      .filter(([name, p]) => p.type === 'SERVICE_CONTROL_POLICY' && attachedToRoot.has(`\${aws_organizations_policy.${name}.id}`))
      .map(([, p]) => p.content);
    for (const service of PROTECTED_SERVICES) {
      for (const action of PROTECTED_ACTIONS[service]) {
        const deniedTo = (arn: string) => scps.some((c) => evaluate(c, { principal: { arn }, action }) === 'ExplicitDeny');
        expect([action, deniedTo('arn:aws:iam::444444444444:role/Admin')]).toEqual([action, true]);
        expect([action, deniedTo('arn:aws:iam::444444444444:role/OrganizationAccountAccessRole')]).toEqual([action, false]);
      }
    }
  });

  test('the TLS resource control policy is attached to the root', () => {
    const rcps = resourcesOf(management, 'aws_organizations_policy').filter(([, p]) => p.type === 'RESOURCE_CONTROL_POLICY');
    expect(rcps).toHaveLength(1);
    const attachments = resourcesOf(management, 'aws_organizations_policy_attachment')
      .filter(([, a]) => a.policy_id === `\${aws_organizations_policy.${rcps[0][0]}.id}`);
    expect(attachments).toHaveLength(1);
  });

  test('the security stack has the findings topic with rules for GuardDuty, Security Hub, Inspector and FMS', () => {
    const security = stacks.security;
    expect(resourcesOf(security, 'aws_sns_topic').map(([, t]) => t.name)).toEqual(['org-guard-security-findings']);
    const home = resourcesOf(security, 'aws_cloudwatch_event_rule').filter(([, r]) => r.region === 'us-east-1').map(([, r]) => r.name);
    expect(home).toEqual(expect.arrayContaining([
      'org-guard-findings-guardduty', 'org-guard-findings-securityhub', 'org-guard-findings-inspector', 'org-guard-findings-firewall-manager',
    ]));
    expect(resourcesOf(security, 'aws_sns_topic_subscription').map(([, s]) => s.endpoint)).toEqual(['secops@example.com']);
  });

  test('the management stack has the budget with its recipients', () => {
    const [[, budget]] = resourcesOf(management, 'aws_budgets_budget');
    expect(budget.limit_amount).toBe('500');
    expect(budget.notification[0].subscriber_email_addresses).toEqual(['finops@example.com', 'secops@example.com']);
  });
});
