import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';

export type FindingsRule = 'guardDuty' | 'securityHub' | 'inspector' | 'firewallManager';

export interface FindingsNotificationsProps {
  /** The delegated security administrator: receives every member's findings. */
  accountId: string;
  homeRegion: string;
  /** Governed regions; GuardDuty and Inspector findings of the others are forwarded to the home region. */
  regions: readonly string[];
  emails?: readonly string[];
  httpsEndpoints?: readonly string[];
  /** GuardDuty numeric severity (1-10) at or above which findings are sent; default 7 (HIGH). */
  guardDutyMinimumSeverity?: number;
  /** Rules to create; default all. */
  rules?: Partial<Record<FindingsRule, boolean>>;
  /**
   * Set the workflow status of every notified Security Hub finding to NOTIFIED (default true), so its later
   * updates do not notify again; Security Hub sets it back to NEW when the finding comes back.
   */
  markNotified?: boolean;
}

/** Deterministic names, so the topic policy can name its publishers without references. */
export function findingsNames() {
  return {
    topic: 'org-guard-security-findings',
    keyAlias: 'alias/org-guard-security-findings',
    forwarderRole: 'org-guard-findings-forwarder',
    markNotified: 'org-guard-findings-mark-notified',
    markNotifiedStarter: 'org-guard-findings-start-mark-notified',
    rule: (r: FindingsRule) => `org-guard-findings-${kebab(r)}`,
    forwarder: (r: FindingsRule) => `org-guard-findings-forward-${kebab(r)}`,
  };
}

/** Readable slug of each rule in resource names and construct ids (a contract: renaming replaces the rule). */
const SLUG: Record<FindingsRule, string> = {
  guardDuty: 'guardduty',
  securityHub: 'securityhub',
  inspector: 'inspector',
  firewallManager: 'firewall-manager',
};

function kebab(r: FindingsRule): string {
  return SLUG[r];
}

/** Security Hub product names of the services that have a rule of their own. */
const PRODUCT_NAMES: Partial<Record<FindingsRule, string>> = {
  guardDuty: 'GuardDuty',
  inspector: 'Inspector',
  firewallManager: 'Firewall Manager',
};

/** EventBridge patterns, as data. */
export function findingsPatterns(minimumSeverity: number, enabled: Record<FindingsRule, boolean>): Record<FindingsRule, object> {
  const current = { Workflow: { Status: ['NEW'] }, RecordState: ['ACTIVE'] };
  // Findings of services with their own rule would arrive twice through Security Hub.
  const ownRule = (Object.keys(PRODUCT_NAMES) as FindingsRule[]).filter((r) => enabled[r]).map((r) => PRODUCT_NAMES[r]!);
  return {
    guardDuty: {
      source: ['aws.guardduty'],
      'detail-type': ['GuardDuty Finding'],
      detail: { severity: [{ numeric: ['>=', minimumSeverity] }] },
    },
    securityHub: {
      source: ['aws.securityhub'],
      'detail-type': ['Security Hub Findings - Imported'],
      detail: {
        findings: {
          Severity: { Label: ['HIGH', 'CRITICAL'] },
          ...current,
          ...(ownRule.length > 0 ? { ProductName: [{ 'anything-but': ownRule }] } : {}),
        },
      },
    },
    inspector: {
      source: ['aws.inspector2'],
      'detail-type': ['Inspector2 Finding'],
      detail: { severity: ['CRITICAL'], status: ['ACTIVE'] },
    },
    // Firewall Manager reports non-compliant resources as Security Hub findings (it has no
    // EventBridge events of its own), which the aggregator brings to the home region.
    firewallManager: {
      source: ['aws.securityhub'],
      'detail-type': ['Security Hub Findings - Imported'],
      detail: { findings: { ProductName: ['Firewall Manager'], ...current } },
    },
  };
}

/**
 * Express state machine that sets Workflow.Status NOTIFIED on the findings of a "Security Hub Findings -
 * Imported" event, through the Step Functions SDK integration for BatchUpdateFindings (no code to run).
 * Security Hub sends an event for every update of a finding, so a rule on NEW findings fires again on each
 * update until the status changes; Security Hub itself resets NOTIFIED to NEW when the record state goes
 * from ARCHIVED to ACTIVE or the compliance status from PASSED to FAILED, WARNING or NOT_AVAILABLE
 * (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_Workflow.html): one notification per new
 * finding, and one each time it comes back. Only Id and ProductArn identify a finding for BatchUpdateFindings.
 */
export function markNotifiedDefinition(): object {
  return {
    Comment: 'org-guard: mark notified Security Hub findings NOTIFIED so their updates do not notify again',
    StartAt: 'FindingIdentifiers',
    States: {
      FindingIdentifiers: {
        Type: 'Map',
        ItemsPath: '$.detail.findings',
        ItemSelector: { 'Id.$': '$$.Map.Item.Value.Id', 'ProductArn.$': '$$.Map.Item.Value.ProductArn' },
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Identifier', States: { Identifier: { Type: 'Pass', End: true } } },
        ResultPath: '$.identifiers',
        Next: 'MarkNotified',
      },
      MarkNotified: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:securityhub:batchUpdateFindings',
        Parameters: { 'FindingIdentifiers.$': '$.identifiers', Workflow: { Status: 'NOTIFIED' } },
        End: true,
      },
    },
  };
}

/** Rules on Security Hub findings (their events repeat on every update of a finding). */
const SECURITY_HUB_RULES: FindingsRule[] = ['securityHub', 'firewallManager'];

/** Rules whose findings stay in their region and must be forwarded (Security Hub ones are aggregated). */
const REGIONAL_RULES: FindingsRule[] = ['guardDuty', 'inspector'];

/**
 * One KMS-encrypted SNS topic in the home region of the security account, fed by EventBridge
 * rules; GuardDuty and Inspector events of the other governed regions reach the home region's
 * default bus through forwarding rules (SNS targets must be in the rule's region).
 */
export class FindingsNotifications extends Construct {
  readonly topic: SnsTopic;
  readonly key: KmsKey;
  readonly rules: Partial<Record<FindingsRule, CloudwatchEventRule>> = {};

  constructor(scope: Construct, id: string, props: FindingsNotificationsProps) {
    super(scope, id);
    const { accountId, homeRegion } = props;
    const names = findingsNames();
    const enabled: Record<FindingsRule, boolean> = {
      guardDuty: props.rules?.guardDuty ?? true,
      securityHub: props.rules?.securityHub ?? true,
      inspector: props.rules?.inspector ?? true,
      firewallManager: props.rules?.firewallManager ?? true,
    };
    const active = (Object.keys(enabled) as FindingsRule[]).filter((r) => enabled[r]);
    const patterns = findingsPatterns(props.guardDutyMinimumSeverity ?? 7, enabled);

    // Only the home-region rules publish to the topic (forwarding rules target the home bus).
    const ruleArns = active.map((r) => `arn:aws:events:${homeRegion}:${accountId}:rule/${names.rule(r)}`);
    const topicArn = `arn:aws:sns:${homeRegion}:${accountId}:${names.topic}`;

    // A customer managed key: the AWS managed alias/aws/sns key cannot grant EventBridge its use.
    this.key = new KmsKey(this, 'topic-key', {
      region: homeRegion,
      description: 'org-guard: encrypts the security findings topic',
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AccountAdministers',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${accountId}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
          {
            Sid: 'EventBridgePublishesToTopic',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
            Resource: '*',
            // Confused-deputy guard, as AWS gives it for service publishers of encrypted topics: this
            // account's findings rules only, and only for this topic (SNS encrypts with the encryption
            // context aws:sns:topicArn). https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html,
            // https://docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html
            Condition: {
              StringEquals: { 'aws:SourceAccount': accountId, 'kms:EncryptionContext:aws:sns:topicArn': topicArn },
              ArnLike: { 'aws:SourceArn': ruleArns },
            },
          },
        ],
      }),
      lifecycle: { preventDestroy: true },
    });
    new KmsAlias(this, 'topic-key-alias', { region: homeRegion, name: names.keyAlias, targetKeyId: this.key.keyId });

    this.topic = new SnsTopic(this, 'topic', {
      region: homeRegion,
      name: names.topic,
      displayName: 'org-guard security findings',
      kmsMasterKeyId: this.key.arn,
    });

    new SnsTopicPolicy(this, 'topic-policy', {
      region: homeRegion,
      arn: this.topic.arn,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'OnlyThisAccountsFindingsRulesPublish',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topicArn,
            Condition: {
              StringEquals: { 'aws:SourceAccount': accountId },
              ArnEquals: { 'aws:SourceArn': ruleArns },
            },
          },
        ],
      }),
    });

    for (const email of props.emails ?? []) {
      new SnsTopicSubscription(this, `email-${email.toLowerCase()}`, {
        region: homeRegion,
        topicArn: this.topic.arn,
        protocol: 'email',
        endpoint: email,
      });
    }
    for (const url of props.httpsEndpoints ?? []) {
      // Hash, not index: removing one endpoint must not replace the others' subscriptions.
      new SnsTopicSubscription(this, `https-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`, {
        region: homeRegion,
        topicArn: this.topic.arn,
        protocol: 'https',
        endpoint: url,
      });
    }

    const marked = (props.markNotified ?? true) ? SECURITY_HUB_RULES.filter((r) => enabled[r]) : [];
    let marker: { arn: string; roleArn: string } | undefined;
    if (marked.length > 0) {
      const machineArn = `arn:aws:states:${homeRegion}:${accountId}:stateMachine:${names.markNotified}`;
      const machineRole = new IamRole(this, 'mark-notified-role', {
        name: names.markNotified,
        description: 'org-guard: marks notified Security Hub findings NOTIFIED',
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Principal: { Service: 'states.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': accountId }, ArnLike: { 'aws:SourceArn': machineArn } },
          }],
        }),
      });
      new IamRolePolicy(this, 'mark-notified-role-policy', {
        role: machineRole.name,
        name: 'batch-update-findings',
        // BatchUpdateFindings acts on the caller's hub; the admin may update its members' findings, and from
        // the aggregation region those of the linked regions. Resource "*": the service authorization
        // reference could not be confirmed to scope this action to the hub ARN, and a statement that matches
        // nothing fails silently (findings would notify again). Only this state machine can assume the role.
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'securityhub:BatchUpdateFindings', Resource: '*' }],
        }),
      });
      const machine = new SfnStateMachine(this, 'mark-notified', {
        region: homeRegion,
        name: names.markNotified,
        type: 'EXPRESS',
        roleArn: machineRole.arn,
        definition: JSON.stringify(markNotifiedDefinition()),
      });
      const starter = serviceRoleWithPolicy(this, 'mark-notified-starter-role', {
        name: names.markNotifiedStarter,
        description: 'org-guard: EventBridge starts the mark-notified state machine',
        service: 'events.amazonaws.com',
        condition: { StringEquals: { 'aws:SourceAccount': accountId } },
        policyName: 'start-mark-notified',
        statement: { Effect: 'Allow', Action: 'states:StartExecution', Resource: machineArn },
      });
      marker = { arn: machine.arn, roleArn: starter.arn };
    }

    for (const r of active) {
      const rule = new CloudwatchEventRule(this, `rule-${kebab(r)}`, {
        region: homeRegion,
        name: names.rule(r),
        description: `org-guard: ${r} findings to the security findings topic`,
        eventPattern: JSON.stringify(patterns[r]),
        state: 'ENABLED',
      });
      new CloudwatchEventTarget(this, `rule-${kebab(r)}-topic`, {
        region: homeRegion,
        rule: rule.name,
        targetId: 'findings-topic',
        arn: this.topic.arn,
      });
      if (marker && marked.includes(r)) {
        new CloudwatchEventTarget(this, `rule-${kebab(r)}-mark-notified`, {
          region: homeRegion,
          rule: rule.name,
          targetId: 'mark-notified',
          arn: marker.arn,
          roleArn: marker.roleArn,
        });
      }
      this.rules[r] = rule;
    }

    const forwarded = REGIONAL_RULES.filter((r) => enabled[r]);
    const otherRegions = props.regions.filter((reg) => reg !== homeRegion);
    if (forwarded.length === 0 || otherRegions.length === 0) return;

    const homeBus = `arn:aws:events:${homeRegion}:${accountId}:event-bus/default`;
    const role = serviceRoleWithPolicy(this, 'forwarder-role', {
      name: names.forwarderRole,
      description: 'org-guard: EventBridge forwards regional findings to the home region',
      service: 'events.amazonaws.com',
      condition: { StringEquals: { 'aws:SourceAccount': accountId } },
      policyName: 'put-events-home-bus',
      statement: { Effect: 'Allow', Action: 'events:PutEvents', Resource: homeBus },
    });
    for (const region of otherRegions) {
      for (const r of forwarded) {
        const rule = new CloudwatchEventRule(this, `forward-${kebab(r)}-${region}`, {
          region,
          name: names.forwarder(r),
          description: `org-guard: ${r} findings of ${region} to ${homeRegion}`,
          eventPattern: JSON.stringify(patterns[r]),
          state: 'ENABLED',
        });
        new CloudwatchEventTarget(this, `forward-${kebab(r)}-${region}-bus`, {
          region,
          rule: rule.name,
          targetId: 'home-region-bus',
          arn: homeBus,
          roleArn: role.arn,
        });
      }
    }
  }
}

/** A role that one AWS service assumes, with one inline policy (construct ids `<id>` and `<id>-policy`). */
function serviceRoleWithPolicy(
  scope: Construct,
  id: string,
  p: { name: string; description: string; service: string; condition: object; policyName: string; statement: object },
): IamRole {
  const role = new IamRole(scope, id, {
    name: p.name,
    description: p.description,
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: p.service }, Action: 'sts:AssumeRole', Condition: p.condition }],
    }),
  });
  new IamRolePolicy(scope, `${id}-policy`, {
    role: role.name,
    name: p.policyName,
    policy: JSON.stringify({ Version: '2012-10-17', Statement: [p.statement] }),
  });
  return role;
}
