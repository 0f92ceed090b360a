import * as path from 'node:path';
import { Testing } from 'cdktf';
import { organizationStacks } from '../app';
import { loadConfig } from '../config/load';
import { MemberStack } from '../stacks/member';

// A member stack is built from the config with only its own entry under accounts.members (so that its inputs
// hash covers everything it reads). Built from the whole config instead, every member stack of the full
// example must come out the same: if member code starts reading other members, this fails.
test('each member stack of the full example is the same built from its own entry as from the whole config', () => {
  const config = loadConfig(path.join(__dirname, '..', 'config', 'examples', 'full.yaml'));
  const sources = organizationStacks(config);
  for (const member of config.accounts.members) {
    const viaView = sources.find((s) => s.name === member.name)!.build(Testing.app());
    const viaWholeConfig = new MemberStack(Testing.app(), config, member);
    expect(Testing.synth(viaView)).toBe(Testing.synth(viaWholeConfig));
  }
  expect(sources.map((s) => s.name)).toEqual(['log-archive', 'management', 'security', ...config.accounts.members.map((m) => m.name)]);
  expect(sources.find((s) => s.name === config.accounts.members[0].name)!.dependsOn).toEqual(['security']);
});
