import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { SecurityhubAutomationRule, type SecurityhubAutomationRuleCriteria } from '@cdktf/provider-aws/lib/securityhub-automation-rule';

/** A rule in plain terms; every list is an OR of EQUALS matches, lists are AND-ed. */
export interface AutomationRuleSpec {
  name: string;
  description?: string;
  /** 1-1000, lower first. */
  order: number;
  terminal?: boolean;
  enabled?: boolean;
  accountIds?: readonly string[];
  controlIds?: readonly string[];
  severities?: readonly string[];
  productNames?: readonly string[];
  resourceTypes?: readonly string[];
  workflowStatuses?: readonly string[];
  workflowStatus?: string;
  severity?: string;
  note?: string;
}

export interface SecurityHubAutomationRulesProps {
  /** The aggregation (home) region: rules there also apply to findings aggregated from linked regions. */
  region: string;
  rules: readonly AutomationRuleSpec[];
  /** The admin's Security Hub (rules need the hub). */
  dependsOn?: ITerraformDependable[];
}

/** Author of the notes the rules add to findings. */
export const NOTE_AUTHOR = 'org-guard';

const equals = (values: readonly string[] | undefined) =>
  values && values.length > 0 ? values.map((value) => ({ comparison: 'EQUALS', value })) : undefined;

/** The criteria block of a rule (terraform-provider-aws internal/service/securityhub/automation_rule.go). */
export function ruleCriteria(r: AutomationRuleSpec): SecurityhubAutomationRuleCriteria {
  return {
    awsAccountId: equals(r.accountIds),
    complianceSecurityControlId: equals(r.controlIds),
    severityLabel: equals(r.severities),
    productName: equals(r.productNames),
    resourceType: equals(r.resourceTypes),
    workflowStatus: equals(r.workflowStatuses),
  };
}

/**
 * Security Hub automation rules of the delegated administrator: it alone may create them, and a rule
 * updates matching findings of every member account (suppress accepted findings, raise severity).
 * https://docs.aws.amazon.com/securityhub/latest/userguide/automation-rules.html
 */
export class SecurityHubAutomationRules extends Construct {
  readonly rules: SecurityhubAutomationRule[] = [];

  constructor(scope: Construct, id: string, props: SecurityHubAutomationRulesProps) {
    super(scope, id);
    for (const r of props.rules) {
      this.rules.push(new SecurityhubAutomationRule(this, `rule-${r.name}`, {
        region: props.region,
        ruleName: r.name,
        description: r.description ?? `org-guard: ${r.name}`,
        ruleOrder: r.order,
        isTerminal: r.terminal ?? false,
        ruleStatus: (r.enabled ?? true) ? 'ENABLED' : 'DISABLED',
        criteria: [ruleCriteria(r)],
        actions: [{
          type: 'FINDING_FIELDS_UPDATE',
          findingFieldsUpdate: [{
            workflow: r.workflowStatus ? [{ status: r.workflowStatus }] : undefined,
            severity: r.severity ? [{ label: r.severity }] : undefined,
            note: r.note ? [{ text: r.note, updatedBy: NOTE_AUTHOR }] : undefined,
          }],
        }],
        dependsOn: props.dependsOn,
      }));
    }
  }
}
