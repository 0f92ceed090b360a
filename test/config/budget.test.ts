import { configOf, minimalInput } from '../helpers';
import { budgetRecipients } from '../../config/sections/budget';
import { expectProblem, problemsFor } from './section-problems';

describe('budget config', () => {
  test('defaults: on, 1000 USD, 50/80/100 % actual and 100 % forecast', () => {
    expect(configOf().budget).toEqual({ enabled: true, monthlyLimitUsd: 1000, thresholds: [50, 80, 100], forecastThreshold: 100, recipients: [] });
  });

  test('recipients fall back to the management account email', () => {
    const input = minimalInput();
    expect(budgetRecipients(configOf(input))).toEqual([]);
    input.accounts.management.email = 'root@example.com';
    expect(budgetRecipients(configOf(input))).toEqual(['root@example.com']);
    input.budget = { recipients: ['finops@example.com'] };
    expect(budgetRecipients(configOf(input))).toEqual(['finops@example.com']);
  });

  test('thresholds are percentages above 0 and at most 1000, each once', () => {
    const problems = problemsFor((i) => (i.budget = { thresholds: [0, 80, 80, 1500] }));
    expectProblem(problems, 'budget.thresholds[0]', /greater than 0, got 0/);
    expectProblem(problems, 'budget.thresholds[2]', /threshold 80 is already listed at index 1/);
    expectProblem(problems, 'budget.thresholds[3]', /at most 1000, got 1500/);
  });

  test('AWS Budgets limits: 5 notifications per budget, 10 emails per notification', () => {
    expectProblem(problemsFor((i) => (i.budget = { thresholds: [10, 20, 30, 40, 50] })), 'budget.thresholds',
      /6 notifications .*at most 5 per budget/);
    const input = minimalInput();
    input.budget = { thresholds: [10, 20, 30, 40, 50], forecastThreshold: null };
    expect(configOf(input).budget.thresholds).toHaveLength(5);
    expectProblem(problemsFor((i) => (i.budget = { recipients: Array.from({ length: 11 }, (_, n) => `r${n}@example.com`) })),
      'budget.recipients', /11 recipients; AWS Budgets allows at most 10/);
  });

  test('limit, recipients and a budget that never alerts', () => {
    const problems = problemsFor((i) => (i.budget = { monthlyLimitUsd: -5, recipients: ['nope'], thresholds: [], forecastThreshold: null }));
    expectProblem(problems, 'budget.monthlyLimitUsd', /positive amount of USD, got -5/);
    expectProblem(problems, 'budget.recipients[0]', /must be an email address/);
    expectProblem(problemsFor((i) => (i.budget = { thresholds: [], forecastThreshold: null })), 'budget.thresholds', /would never alert/);
  });
});
