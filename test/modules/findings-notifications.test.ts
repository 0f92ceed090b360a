import { evaluate, statementsOf } from '../policy-eval';
import { configOf, minimalInput, resourcesOf, synthOrg, type TfJson } from '../helpers';

const SECURITY = '222222222222';
const HOME = 'us-east-1';
const REGIONS = minimalInput().organization.regions as string[];

/**
 * EventBridge pattern matching for the operators the rules use: value lists, numeric ranges,
 * anything-but, nested objects, and arrays in the event (a match on any element).
 */
function matches(pattern: any, event: any): boolean {
  return Object.entries(pattern).every(([key, want]) => {
    const value = event?.[key];
    if (Array.isArray(want)) {
      const values = Array.isArray(value) ? value : [value];
      return values.some((v) => want.some((w) => leafMatches(w, v)));
    }
    const values = Array.isArray(value) ? value : [value];
    return values.some((v) => v !== undefined && matches(want, v));
  });
}

function leafMatches(w: any, v: any): boolean {
  if (w !== null && typeof w === 'object') {
    if ('numeric' in w) {
      const [op, bound] = w.numeric;
      if (typeof v !== 'number') return false;
      return { '>=': v >= bound, '>': v > bound, '<': v < bound, '<=': v <= bound, '=': v === bound }[op as string] ?? false;
    }
    if ('anything-but' in w) return v !== undefined && !(w['anything-but'] as any[]).includes(v);
    throw new Error(`pattern operator ${JSON.stringify(w)} not modelled`);
  }
  return w === v;
}

function rules(security: TfJson) {
  return resourcesOf(security, 'aws_cloudwatch_event_rule')
    .filter(([, r]) => r.name.startsWith('org-guard-findings-'))
    .map(([key, r]) => ({ ...r, key, pattern: JSON.parse(r.event_pattern) }));
}

function rule(security: TfJson, ruleName: string) {
  const r = rules(security).find((x) => x.name === ruleName);
  if (!r) throw new Error(`no rule ${ruleName}`);
  return r;
}

const guardDutyEvent = (severity: number) => ({
  source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding', region: 'eu-west-1', detail: { severity, type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller' },
});
const securityHubEvent = (label: string, productName = 'Security Hub', extra: object = {}) => ({
  source: 'aws.securityhub', 'detail-type': 'Security Hub Findings - Imported',
  detail: { findings: [{ ProductName: productName, Severity: { Label: label }, Workflow: { Status: 'NEW' }, RecordState: 'ACTIVE', ...extra }] },
});
const inspectorEvent = (severity: string, status = 'ACTIVE') => ({
  source: 'aws.inspector2', 'detail-type': 'Inspector2 Finding', detail: { severity, status },
});

function securityOf(mutate: (input: Record<string, any>) => void = () => {}): TfJson {
  const input = minimalInput();
  mutate(input);
  return synthOrg(configOf(input)).security;
}

describe('findings topic', () => {
  const security = securityOf((i) => {
    i.notifications = { emails: ['secops@example.com'], httpsEndpoints: ['https://hooks.example.com/sns/abc'] };
  });
  const [[topicName, topic]] = resourcesOf(security, 'aws_sns_topic');

  test('is encrypted with a customer managed key that EventBridge may use', () => {
    const keys = resourcesOf(security, 'aws_kms_key').filter(([key]) => topic.kms_master_key_id === `\${aws_kms_key.${key}.arn}`);
    expect(keys).toHaveLength(1);
    const [, key] = keys[0];
    expect(key.enable_key_rotation).toBe(true);
    expect(key.lifecycle.prevent_destroy).toBe(true);
    expect(key.region).toBe(HOME);
    // EventBridge publishing through SNS to an encrypted topic: the key grants the service, scoped to this
    // account's findings rules (aws:SourceAccount / aws:SourceArn) and the topic's encryption context
    // (kms:EncryptionContext:aws:sns:topicArn), as AWS gives the statement for service publishers:
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
    const topicArn = `arn:aws:sns:${HOME}:${SECURITY}:org-guard-security-findings`;
    const context = {
      'aws:SourceAccount': SECURITY,
      'aws:SourceArn': `arn:aws:events:${HOME}:${SECURITY}:rule/org-guard-findings-securityhub`,
      'kms:EncryptionContext:aws:sns:topicArn': topicArn,
    };
    const events = { principal: { service: 'events.amazonaws.com' }, context } as const;
    expect(evaluate(key.policy, { ...events, action: 'kms:GenerateDataKey' })).toBe('Allow');
    expect(evaluate(key.policy, { ...events, action: 'kms:Decrypt' })).toBe('Allow');
    expect(evaluate(key.policy, { ...events, action: 'kms:ScheduleKeyDeletion' })).not.toBe('Allow');
    // Not from anywhere: another account's rule, a rule of this account that is not org-guard's, another topic, no context.
    const other = (patch: Record<string, string>) =>
      evaluate(key.policy, { principal: events.principal, action: 'kms:GenerateDataKey', context: { ...context, ...patch } });
    expect(other({ 'aws:SourceAccount': '999999999999', 'aws:SourceArn': `arn:aws:events:${HOME}:999999999999:rule/org-guard-findings-securityhub` })).not.toBe('Allow');
    expect(other({ 'aws:SourceArn': `arn:aws:events:${HOME}:${SECURITY}:rule/someone-elses-rule` })).not.toBe('Allow');
    expect(other({ 'kms:EncryptionContext:aws:sns:topicArn': `arn:aws:sns:${HOME}:${SECURITY}:another-topic` })).not.toBe('Allow');
    expect(evaluate(key.policy, { principal: events.principal, action: 'kms:GenerateDataKey' })).not.toBe('Allow');
    expect(evaluate(key.policy, { principal: { arn: 'arn:aws:iam::999999999999:role/x' }, action: 'kms:Decrypt' })).not.toBe('Allow');
    expect(topic.kms_master_key_id).not.toMatch(/alias\/aws\/sns/);
    expect(topic.region).toBe(HOME);
  });

  test('its policy admits only EventBridge rules of the security account', () => {
    const [[, tp]] = resourcesOf(security, 'aws_sns_topic_policy');
    expect(tp.arn).toBe(`\${aws_sns_topic.${topicName}.arn}`);
    const allows = statementsOf(tp.policy).filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0].Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(allows[0].Action).toBe('sns:Publish');
    const ruleArn = `arn:aws:events:${HOME}:${SECURITY}:rule/org-guard-findings-guardduty`;
    const publish = (principal: any, context: Record<string, string>) =>
      evaluate(tp.policy, { principal, action: 'sns:Publish', resource: `arn:aws:sns:${HOME}:${SECURITY}:org-guard-security-findings`, context });
    expect(publish({ service: 'events.amazonaws.com' }, { 'aws:SourceAccount': SECURITY, 'aws:SourceArn': ruleArn })).toBe('Allow');
    expect(publish({ service: 'events.amazonaws.com' }, { 'aws:SourceAccount': '999999999999', 'aws:SourceArn': `arn:aws:events:${HOME}:999999999999:rule/org-guard-findings-guardduty` })).not.toBe('Allow');
    expect(publish({ service: 'events.amazonaws.com' }, { 'aws:SourceAccount': SECURITY, 'aws:SourceArn': `arn:aws:events:${HOME}:${SECURITY}:rule/someone-elses-rule` })).not.toBe('Allow');
    expect(publish({ service: 'cloudwatch.amazonaws.com' }, { 'aws:SourceAccount': SECURITY })).not.toBe('Allow');
    expect(publish({ arn: 'arn:aws:iam::999999999999:role/x' }, {})).not.toBe('Allow');
    expect(publish('anonymous', {})).not.toBe('Allow');
    // Every home-region rule is a named publisher, and nothing else is.
    const homeRules = rules(security).filter((r) => r.region === HOME).map((r) => `arn:aws:events:${HOME}:${SECURITY}:rule/${r.name}`);
    expect([...allows[0].Condition!.ArnEquals['aws:SourceArn'] as string[]].sort()).toEqual(homeRules.sort());
  });

  test('has the configured subscribers', () => {
    const subs = resourcesOf(security, 'aws_sns_topic_subscription').map(([, s]) => [s.protocol, s.endpoint, s.topic_arn]);
    expect(subs).toEqual(expect.arrayContaining([
      ['email', 'secops@example.com', `\${aws_sns_topic.${topicName}.arn}`],
      ['https', 'https://hooks.example.com/sns/abc', `\${aws_sns_topic.${topicName}.arn}`],
    ]));
    expect(subs).toHaveLength(2);
  });
});

describe('findings rules', () => {
  const security = securityOf();
  const [[topicName]] = resourcesOf(security, 'aws_sns_topic');
  const targets = resourcesOf(security, 'aws_cloudwatch_event_target').map(([, t]) => t);
  const targetsOf = (ruleResource: string) => targets.filter((t) => t.rule === `\${aws_cloudwatch_event_rule.${ruleResource}.name}`);

  test('every home-region rule targets the topic, and every other rule forwards to the home region bus', () => {
    const all = rules(security);
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const r of all) {
      const ts = targetsOf(r.key);
      expect(ts).toHaveLength(1);
      expect(ts[0].region).toBe(r.region);
      if (r.region === HOME) {
        expect(ts[0].arn).toBe(`\${aws_sns_topic.${topicName}.arn}`);
      } else {
        expect(ts[0].arn).toBe(`arn:aws:events:${HOME}:${SECURITY}:event-bus/default`);
        expect(ts[0].role_arn).toMatch(/^\$\{aws_iam_role\..*\.arn\}$/);
      }
    }
    expect(targets.filter((t) => all.some((r) => t.rule === `\${aws_cloudwatch_event_rule.${r.key}.name}`))).toHaveLength(all.length);
  });

  test('GuardDuty findings at or above HIGH by default, from every governed region', () => {
    const gd = rule(security, 'org-guard-findings-guardduty');
    expect(gd.region).toBe(HOME);
    expect(matches(gd.pattern, guardDutyEvent(8.0))).toBe(true);
    expect(matches(gd.pattern, guardDutyEvent(7.0))).toBe(true);
    expect(matches(gd.pattern, guardDutyEvent(5.0))).toBe(false);
    const forwarders = rules(security).filter((r) => r.name === 'org-guard-findings-forward-guardduty');
    expect(forwarders.map((r) => r.region).sort()).toEqual(REGIONS.filter((r) => r !== HOME).sort());
    for (const f of forwarders) expect(f.pattern).toEqual(gd.pattern);
  });

  test('the GuardDuty threshold follows the config (label or number)', () => {
    const medium = rule(securityOf((i) => (i.notifications = { guardDutyMinimumSeverity: 'MEDIUM' })), 'org-guard-findings-guardduty');
    expect(matches(medium.pattern, guardDutyEvent(4.0))).toBe(true);
    expect(matches(medium.pattern, guardDutyEvent(3.9))).toBe(false);
    const numeric = rule(securityOf((i) => (i.notifications = { guardDutyMinimumSeverity: 8.5 })), 'org-guard-findings-guardduty');
    expect(matches(numeric.pattern, guardDutyEvent(8.4))).toBe(false);
    expect(matches(numeric.pattern, guardDutyEvent(8.5))).toBe(true);
  });

  test('Security Hub findings: HIGH and CRITICAL, new and active, without the products that have a rule of their own', () => {
    const sh = rule(security, 'org-guard-findings-securityhub');
    expect(matches(sh.pattern, securityHubEvent('HIGH'))).toBe(true);
    expect(matches(sh.pattern, securityHubEvent('CRITICAL', 'Config'))).toBe(true);
    expect(matches(sh.pattern, securityHubEvent('MEDIUM'))).toBe(false);
    expect(matches(sh.pattern, securityHubEvent('HIGH', 'Security Hub', { Workflow: { Status: 'SUPPRESSED' } }))).toBe(false);
    expect(matches(sh.pattern, securityHubEvent('HIGH', 'Security Hub', { RecordState: 'ARCHIVED' }))).toBe(false);
    for (const dup of ['GuardDuty', 'Inspector', 'Firewall Manager']) expect(matches(sh.pattern, securityHubEvent('CRITICAL', dup))).toBe(false);
  });

  test('Security Hub still carries GuardDuty findings when the GuardDuty rule is off', () => {
    const s = securityOf((i) => (i.notifications = { rules: { guardDuty: false } }));
    expect(rules(s).some((r) => r.name.includes('guardduty'))).toBe(false);
    expect(matches(rule(s, 'org-guard-findings-securityhub').pattern, securityHubEvent('HIGH', 'GuardDuty'))).toBe(true);
  });

  test('Inspector: critical active findings, forwarded from every governed region', () => {
    const ins = rule(security, 'org-guard-findings-inspector');
    expect(matches(ins.pattern, inspectorEvent('CRITICAL'))).toBe(true);
    expect(matches(ins.pattern, inspectorEvent('HIGH'))).toBe(false);
    expect(matches(ins.pattern, inspectorEvent('CRITICAL', 'CLOSED'))).toBe(false);
    const forwarders = rules(security).filter((r) => r.name === 'org-guard-findings-forward-inspector');
    expect(forwarders.map((r) => r.region).sort()).toEqual(REGIONS.filter((r) => r !== HOME).sort());
  });

  test('Firewall Manager non-compliance findings of any severity', () => {
    const fms = rule(security, 'org-guard-findings-firewall-manager');
    expect(matches(fms.pattern, securityHubEvent('MEDIUM', 'Firewall Manager'))).toBe(true);
    expect(matches(fms.pattern, securityHubEvent('HIGH', 'GuardDuty'))).toBe(false);
  });

  test('the forwarding role may only put events on the home region default bus, and only EventBridge of this account assumes it', () => {
    const [[, role]] = resourcesOf(security, 'aws_iam_role').filter(([, r]) => r.name === 'org-guard-findings-forwarder');
    expect(evaluate(role.assume_role_policy, { principal: { service: 'events.amazonaws.com' }, action: 'sts:AssumeRole', context: { 'aws:SourceAccount': SECURITY } })).toBe('Allow');
    expect(evaluate(role.assume_role_policy, { principal: { service: 'events.amazonaws.com' }, action: 'sts:AssumeRole', context: { 'aws:SourceAccount': '999999999999' } })).not.toBe('Allow');
    const [[, inline]] = resourcesOf(security, 'aws_iam_role_policy').filter(([, p]) => p.name === 'put-events-home-bus');
    const bus = `arn:aws:events:${HOME}:${SECURITY}:event-bus/default`;
    expect(evaluate(inline.policy, { principal: { arn: 'x' }, action: 'events:PutEvents', resource: bus })).toBe('Allow');
    expect(evaluate(inline.policy, { principal: { arn: 'x' }, action: 'events:PutEvents', resource: `arn:aws:events:eu-west-1:${SECURITY}:event-bus/default` })).not.toBe('Allow');
  });

  test('rules switch off one by one; notifications.enabled: false removes everything', () => {
    const s = securityOf((i) => (i.notifications = { rules: { inspector: false, firewallManager: false } }));
    expect(rules(s).map((r) => r.name)).not.toEqual(expect.arrayContaining(['org-guard-findings-inspector']));
    expect(rules(s).some((r) => /inspector|firewall/.test(r.name))).toBe(false);
    const off = securityOf((i) => (i.notifications = { enabled: false }));
    expect(resourcesOf(off, 'aws_sns_topic')).toHaveLength(0);
    expect(rules(off)).toHaveLength(0);
  });

  test('a single-region organization needs no forwarding', () => {
    const s = securityOf((i) => (i.organization.regions = [HOME]));
    expect(rules(s).filter((r) => r.name.startsWith('org-guard-findings-forward'))).toHaveLength(0);
    expect(rules(s).length).toBeGreaterThanOrEqual(4);
    expect(resourcesOf(s, 'aws_iam_role').filter(([, r]) => r.name === 'org-guard-findings-forwarder')).toHaveLength(0);
  });
});
