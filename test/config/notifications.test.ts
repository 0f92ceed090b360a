import { configOf, minimalInput } from '../helpers';
import { guardDutySeverityThreshold } from '../../config/sections/notifications';
import { expectProblem, problemsFor } from './section-problems';

describe('notifications config', () => {
  test('defaults: on, no subscribers, GuardDuty HIGH and above, every rule', () => {
    const n = configOf().notifications;
    expect(n).toEqual({
      enabled: true, emails: [], httpsEndpoints: [], guardDutyMinimumSeverity: 'HIGH', markNotified: true,
      rules: { guardDuty: true, securityHub: true, inspector: true, firewallManager: true },
    });
    expect(guardDutySeverityThreshold(n.guardDutyMinimumSeverity)).toBe(7);
  });

  test('GuardDuty severity is a label or a number from 1 to 10', () => {
    const input = minimalInput();
    for (const [value, threshold] of [['LOW', 1], ['MEDIUM', 4], ['HIGH', 7], ['CRITICAL', 9], [5.5, 5.5]] as const) {
      input.notifications = { guardDutyMinimumSeverity: value };
      expect(guardDutySeverityThreshold(configOf(input).notifications.guardDutyMinimumSeverity)).toBe(threshold);
    }
    for (const bad of ['high', 'SEVERE', 0, 11]) {
      expectProblem(problemsFor((i) => (i.notifications = { guardDutyMinimumSeverity: bad })),
        'notifications.guardDutyMinimumSeverity', /must be one of LOW, MEDIUM, HIGH, CRITICAL or a number from 1 to 10/);
    }
  });

  test('subscribers are valid email addresses and https URLs, each once', () => {
    const problems = problemsFor((i) => (i.notifications = {
      emails: ['secops@example.com', 'not-an-email', 'SecOps@example.com'],
      httpsEndpoints: ['http://hooks.example.com/x', 'https://hooks.example.com/y', 'https://hooks.example.com/y'],
    }));
    expectProblem(problems, 'notifications.emails[1]', /must be an email address, got "not-an-email"/);
    expectProblem(problems, 'notifications.emails[2]', /already listed at index 0/);
    expectProblem(problems, 'notifications.httpsEndpoints[0]', /must be an https:\/\/ URL/);
    expectProblem(problems, 'notifications.httpsEndpoints[2]', /already listed at index 1/);
  });

  test('at least one rule when notifications are on (the topic policy admits only the rules)', () => {
    const off = { guardDuty: false, securityHub: false, inspector: false, firewallManager: false };
    expectProblem(problemsFor((i) => (i.notifications = { rules: off })), 'notifications.rules', /every rule is off/);
    const input = minimalInput();
    input.notifications = { enabled: false, rules: off };
    expect(configOf(input).notifications.enabled).toBe(false);
  });

  test('unknown rule names list the allowed ones', () => {
    expectProblem(problemsFor((i) => (i.notifications = { rules: { macie: true } })),
      'notifications.rules', /unknown key "macie"; allowed keys: guardDuty, securityHub, inspector, firewallManager/);
  });
});
