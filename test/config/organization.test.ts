import { ORG_GUARD_TAG_KEYS } from '../../config/schema';
import { configOf, minimalInput, synthOrg } from '../helpers';
import { expectProblem, problemsFor } from './section-problems';

describe('organization.policyTypesInUse', () => {
  test('defaults to none; policy type names are kept as given', () => {
    expect(configOf().organization.policyTypesInUse).toEqual([]);
    const input = minimalInput();
    input.organization.policyTypesInUse = ['TAG_POLICY', 'BACKUP_POLICY', 'AISERVICES_OPT_OUT_POLICY', 'CHATBOT_POLICY', 'DECLARATIVE_POLICY_EC2'];
    expect(configOf(input).organization.policyTypesInUse).toHaveLength(5);
  });

  test('something that is not a policy type name is a config error listing the known types', () => {
    const problems = problemsFor((i) => (i.organization.policyTypesInUse = ['TAG_POLICY', 'tag policy']));
    expectProblem(problems, 'organization.policyTypesInUse[1]', /not a policy type: "tag policy"; known types: .*BACKUP_POLICY.*TAG_POLICY/);
    expect(problems).toHaveLength(1);
  });
});

describe('tags', () => {
  // AWS reserves the aws: prefix in any case (https://docs.aws.amazon.com/sdkfornet/v3/apidocs/items/ECS/TTag.html).
  test.each(['aws:team', 'AWS:team', 'Aws:cost-center'])('a key starting with aws: (%s) is a config error', (key) => {
    const problems = problemsFor((i) => (i.tags = { [key]: 'x', team: 'platform' }));
    expect(problems).toHaveLength(1);
    expectProblem(problems, `tags.${key}`, new RegExp(`tag key "${key}" starts with "${key.slice(0, 4)}", a prefix AWS reserves`));
  });

  test('a value starting with aws: is a config error too (some services reject it)', () => {
    expectProblem(problemsFor((i) => (i.tags = { team: 'aws:platform' })), 'tags.team', /tag value "aws:platform" starts with "aws:"/);
  });

  test.each([...ORG_GUARD_TAG_KEYS])('%s is set by org-guard: a config error, not a silent overwrite', (key) => {
    expectProblem(problemsFor((i) => (i.tags = { [key]: 'me' })), `tags.${key}`, new RegExp(`tag key "${key}" is set by org-guard on every resource`));
  });

  test('every problem at once, and keys that merely contain aws or differ in case are fine', () => {
    expect(problemsFor((i) => (i.tags = { 'aws:a': 'x', ManagedBy: 'y', OrgGuardStack: 'z' }))).toHaveLength(3);
    const input = minimalInput();
    input.tags = { 'team-aws': 'x', 'cost:aws': 'y', managedby: 'z' };
    expect(configOf(input).tags).toEqual({ 'team-aws': 'x', 'cost:aws': 'y', managedby: 'z' });
  });

  test('the reserved keys are exactly the ones every stack sets itself', () => {
    const input = minimalInput();
    input.tags = { team: 'platform' };
    for (const stack of Object.values(synthOrg(configOf(input)))) {
      const tags = stack.provider!.aws[0].default_tags[0].tags;
      expect(Object.keys(tags).filter((k) => k !== 'team').sort()).toEqual([...ORG_GUARD_TAG_KEYS].sort());
    }
  });
});
