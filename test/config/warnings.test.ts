import { configWarnings } from '../../config/warnings';
import { configOf, minimalInput } from '../helpers';

describe('configWarnings', () => {
  test('the minimal config warns about every gap it leaves: emails, budget recipients, findings subscribers', () => {
    const warnings = configWarnings(configOf());
    expect(warnings.filter((w) => w.startsWith('accounts.'))).toHaveLength(3);
    expect(warnings).toEqual(expect.arrayContaining([
      expect.stringMatching(/^budget has no recipient .*add budget.recipients/),
      expect.stringMatching(/^notifications has no subscriber .*add a subscriber/),
    ]));
  });

  test('recipients and subscribers silence their warnings; the management email counts for the budget', () => {
    const input = minimalInput();
    input.accounts.management.email = 'mgmt@example.com';
    input.notifications = { httpsEndpoints: ['https://chat.example.com/hook'] };
    const warnings = configWarnings(configOf(input)).join('\n');
    expect(warnings).not.toMatch(/^budget has no recipient/m);
    expect(warnings).not.toMatch(/^notifications has no subscriber/m);
  });

  test('the removal warning names the command the README uses (npm run deploy), not the bare cdktf CLI', () => {
    const input = minimalInput();
    input.services = { macie: { enabled: false } };
    input.removal = { keepDelegatedAdmins: { services: ['macie'] } };
    const warning = configWarnings(configOf(input)).find((w) => w.startsWith('removal.'));
    expect(warning).toMatch(/deploy every stack \(npm run deploy -- '\*'\), then empty removal.keepDelegatedAdmins and deploy management to deregister them, then security to remove its own service resources/);
  });

  test('switched-off features do not warn', () => {
    const input = minimalInput();
    input.budget = { enabled: false };
    input.notifications = { enabled: false };
    const warnings = configWarnings(configOf(input)).join('\n');
    expect(warnings).not.toMatch(/budget|notifications/);
  });
});
