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
    // Besides its one delivery target, a Security Hub rule also marks what it notified (tested below).
    const delivery = (key: string) => targetsOf(key).filter((t: any) => t.target_id !== 'mark-notified');
    for (const r of all) {
      const ts = delivery(r.key);
      expect(ts).toHaveLength(1);
      expect(ts[0].region).toBe(r.region);
      if (r.region === HOME) {
        expect(ts[0].arn).toBe(`\${aws_sns_topic.${topicName}.arn}`);
      } else {
        expect(ts[0].arn).toBe(`arn:aws:events:${HOME}:${SECURITY}:event-bus/default`);
        expect(ts[0].role_arn).toMatch(/^\$\{aws_iam_role\..*\.arn\}$/);
      }
    }
    expect(targets.filter((t) => t.target_id !== 'mark-notified' && all.some((r) => t.rule === `\${aws_cloudwatch_event_rule.${r.key}.name}`))).toHaveLength(all.length);
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

// "Security Hub Findings - Imported" is sent for every new finding and every update of one
// (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-integration-types.html), so a rule on
// NEW findings fires on each update. Security Hub resets NOTIFIED (or RESOLVED) to NEW when RecordState goes
// ARCHIVED -> ACTIVE or Compliance.Status PASSED -> FAILED/WARNING/NOT_AVAILABLE
// (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_Workflow.html). Marking each notified finding
// NOTIFIED therefore notifies once per new finding and once each time it comes back.
describe('Security Hub findings notify once per new finding, and again when they come back', () => {
  const security = securityOf((i) => { i.notifications = { emails: ['secops@example.com'] }; });
  const targets = resourcesOf(security, 'aws_cloudwatch_event_target').map(([, t]) => t);
  const [[machineName, machine]] = resourcesOf(security, 'aws_sfn_state_machine');
  const definition = JSON.parse(machine.definition);

  test('the Security Hub and Firewall Manager rules also start the mark-notified state machine; the others do not', () => {
    const marking = targets.filter((t) => t.target_id === 'mark-notified');
    expect(marking.map((t) => t.rule).sort()).toEqual([
      `\${aws_cloudwatch_event_rule.${rule(security, 'org-guard-findings-firewall-manager').key}.name}`,
      `\${aws_cloudwatch_event_rule.${rule(security, 'org-guard-findings-securityhub').key}.name}`,
    ].sort());
    for (const t of marking) {
      expect(t.arn).toBe(`\${aws_sfn_state_machine.${machineName}.arn}`);
      expect(t.role_arn).toMatch(/^\$\{aws_iam_role\.[^.]+\.arn\}$/);
    }
    expect(machine).toMatchObject({ type: 'EXPRESS', region: HOME, name: 'org-guard-findings-mark-notified' });
  });

  // BatchUpdateFindings: FindingIdentifiers (AwsSecurityFindingIdentifier: Id and ProductArn) and Workflow.Status
  // (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchUpdateFindings.html), called through the
  // Step Functions AWS SDK integration (arn:aws:states:::aws-sdk:securityhub:batchUpdateFindings).
  test('the state machine sets Workflow.Status NOTIFIED on exactly the event\'s findings', () => {
    const map = definition.States[definition.StartAt];
    expect(map).toMatchObject({ Type: 'Map', ItemsPath: '$.detail.findings', ResultPath: '$.identifiers' });
    // The ItemSelector, applied as Step Functions applies it to each finding of an event.
    const event = securityHubEvent('HIGH', 'Security Hub', { Id: 'arn:finding/1', ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub', Title: 'x' });
    const select = (item: any) => Object.fromEntries(Object.entries(map.ItemSelector as Record<string, string>).map(([k, path]) => {
      expect(path.startsWith('$$.Map.Item.Value.')).toBe(true);
      return [k.replace(/\.\$$/, ''), item[path.slice('$$.Map.Item.Value.'.length)]];
    }));
    expect(event.detail.findings.map(select)).toEqual([{ Id: 'arn:finding/1', ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub' }]);
    const task = definition.States[map.Next];
    expect(task).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:securityhub:batchUpdateFindings',
      Parameters: { 'FindingIdentifiers.$': '$.identifiers', Workflow: { Status: 'NOTIFIED' } },
      End: true,
    });
    expect(task.Parameters.Note).toBeUndefined(); // a Note would overwrite the analysts' own
  });

  test('the finding lifecycle: notified when new, not on updates once NOTIFIED, again when reset to NEW', () => {
    const sh = rule(security, 'org-guard-findings-securityhub');
    const at = (status: string, extra: object = {}) => securityHubEvent('CRITICAL', 'Security Hub', { Workflow: { Status: status }, ...extra });
    expect(matches(sh.pattern, at('NEW'))).toBe(true); // created: notified, then marked NOTIFIED
    expect(matches(sh.pattern, at('NOTIFIED', { UpdatedAt: 'later' }))).toBe(false); // every later update
    expect(matches(sh.pattern, at('NEW', { RecordState: 'ACTIVE' }))).toBe(true); // back from ARCHIVED: reset to NEW
    expect(matches(sh.pattern, at('RESOLVED'))).toBe(false);
  });

  test('only the state machine may be started by EventBridge, and it may only update findings', () => {
    const roles = Object.fromEntries(resourcesOf(security, 'aws_iam_role').map(([k, r]) => [r.name, { key: k, ...r }]));
    const starter = roles['org-guard-findings-start-mark-notified'];
    const runner = roles['org-guard-findings-mark-notified'];
    expect(evaluate(starter.assume_role_policy, { principal: { service: 'events.amazonaws.com' }, action: 'sts:AssumeRole', context: { 'aws:SourceAccount': SECURITY } })).toBe('Allow');
    expect(evaluate(starter.assume_role_policy, { principal: { service: 'events.amazonaws.com' }, action: 'sts:AssumeRole', context: { 'aws:SourceAccount': '999999999999' } })).not.toBe('Allow');
    const machineArn = `arn:aws:states:${HOME}:${SECURITY}:stateMachine:org-guard-findings-mark-notified`;
    expect(evaluate(runner.assume_role_policy, { principal: { service: 'states.amazonaws.com' }, action: 'sts:AssumeRole', context: { 'aws:SourceAccount': SECURITY, 'aws:SourceArn': machineArn } })).toBe('Allow');
    const policies = Object.fromEntries(resourcesOf(security, 'aws_iam_role_policy').map(([, p]) => [p.name, p.policy]));
    expect(evaluate(policies['start-mark-notified'], { principal: { arn: 'x' }, action: 'states:StartExecution', resource: machineArn })).toBe('Allow');
    expect(evaluate(policies['start-mark-notified'], { principal: { arn: 'x' }, action: 'states:StartExecution', resource: `${machineArn}-other` })).not.toBe('Allow');
    const hub = `arn:aws:securityhub:${HOME}:${SECURITY}:hub/default`;
    expect(evaluate(policies['batch-update-findings'], { principal: { arn: 'x' }, action: 'securityhub:BatchUpdateFindings', resource: hub })).toBe('Allow');
    expect(evaluate(policies['batch-update-findings'], { principal: { arn: 'x' }, action: 'securityhub:BatchImportFindings', resource: hub })).not.toBe('Allow');
  });

  test('markNotified: false leaves findings alone (and notifications repeat on updates)', () => {
    const off = securityOf((i) => { i.notifications = { emails: ['secops@example.com'], markNotified: false }; });
    expect(resourcesOf(off, 'aws_sfn_state_machine')).toEqual([]);
    expect(resourcesOf(off, 'aws_cloudwatch_event_target').filter(([, t]) => t.target_id === 'mark-notified')).toEqual([]);
  });
});
