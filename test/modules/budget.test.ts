import { configOf, minimalInput, resourcesOf, synthOrg } from '../helpers';

function budgetsOf(mutate: (input: Record<string, any>) => void = () => {}) {
  const input = minimalInput();
  mutate(input);
  return resourcesOf(synthOrg(configOf(input)).management, 'aws_budgets_budget').map(([, b]) => b);
}

describe('organization cost budget', () => {
  test('a monthly cost budget of the management (payer) account alerts the recipients at each threshold and on forecast', () => {
    const [budget, ...rest] = budgetsOf((i) => (i.budget = { monthlyLimitUsd: 250, recipients: ['finops@example.com', 'secops@example.com'] }));
    expect(rest).toHaveLength(0);
    expect(budget).toMatchObject({ budget_type: 'COST', time_unit: 'MONTHLY', limit_amount: '250', limit_unit: 'USD', account_id: '111111111111' });
    const alerts = budget.notification.map((n: any) => [n.notification_type, n.threshold, n.threshold_type, n.comparison_operator]);
    expect(alerts).toEqual([
      ['ACTUAL', 50, 'PERCENTAGE', 'GREATER_THAN'],
      ['ACTUAL', 80, 'PERCENTAGE', 'GREATER_THAN'],
      ['ACTUAL', 100, 'PERCENTAGE', 'GREATER_THAN'],
      ['FORECASTED', 100, 'PERCENTAGE', 'GREATER_THAN'],
    ]);
    for (const n of budget.notification) expect(n.subscriber_email_addresses).toEqual(['finops@example.com', 'secops@example.com']);
  });

  test('recipients default to the management account email', () => {
    const [budget] = budgetsOf((i) => (i.accounts.management.email = 'aws-root@example.com'));
    expect(budget.notification.length).toBeGreaterThan(0);
    for (const n of budget.notification) expect(n.subscriber_email_addresses).toEqual(['aws-root@example.com']);
  });

  test('without any recipient the budget tracks cost but has no alert (AWS rejects alerts without subscribers)', () => {
    const [budget] = budgetsOf();
    expect(budget.notification ?? []).toEqual([]);
  });

  test('custom thresholds, no forecast alert, and the switch', () => {
    const [budget] = budgetsOf((i) => (i.budget = { thresholds: [10, 200], forecastThreshold: null, recipients: ['a@example.com'] }));
    expect(budget.notification.map((n: any) => [n.notification_type, n.threshold])).toEqual([['ACTUAL', 10], ['ACTUAL', 200]]);
    expect(budgetsOf((i) => (i.budget = { enabled: false }))).toHaveLength(0);
  });

  test('the budget lives in the management stack only', () => {
    const stacks = synthOrg();
    for (const name of ['security', 'log-archive', 'workload-prod']) expect(resourcesOf(stacks[name], 'aws_budgets_budget')).toHaveLength(0);
  });
});
