import { Construct } from 'constructs';
import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';

export interface CostBudgetProps {
  /** The management (payer) account: its budget covers the whole organization's cost. */
  accountId: string;
  monthlyLimitUsd: number;
  /** Percentages of the limit for actual-cost alerts; default 50, 80, 100. */
  thresholds?: readonly number[];
  /** Percentage of the limit for a forecasted-cost alert; null for none; default 100. */
  forecastThreshold?: number | null;
  /** Email recipients; without any, the budget tracks cost but alerts no one. */
  recipients: readonly string[];
}

/** Monthly cost budget with email alerts (seed 003: an unusual bill from a leaked key shows early). */
export class CostBudget extends Construct {
  readonly budget: BudgetsBudget;

  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    const emails = [...props.recipients];
    const alert = (type: 'ACTUAL' | 'FORECASTED', threshold: number) => ({
      comparisonOperator: 'GREATER_THAN',
      notificationType: type,
      threshold,
      thresholdType: 'PERCENTAGE',
      subscriberEmailAddresses: emails,
    });
    const forecast = props.forecastThreshold === undefined ? 100 : props.forecastThreshold;
    const notification =
      emails.length === 0
        ? []
        : [
            ...(props.thresholds ?? [50, 80, 100]).map((t) => alert('ACTUAL', t)),
            ...(forecast === null ? [] : [alert('FORECASTED', forecast)]),
          ];

    this.budget = new BudgetsBudget(this, 'monthly-cost', {
      name: 'org-guard-monthly-cost',
      accountId: props.accountId,
      budgetType: 'COST',
      timeUnit: 'MONTHLY',
      limitAmount: String(props.monthlyLimitUsd),
      limitUnit: 'USD',
      notification,
    });
  }
}
