import { App } from 'cdktf';
import type { OrgConfig } from './config/schema';
import type { StackSource } from './synth';
import type { LogArchiveStack } from './stacks/log-archive';
import type { ManagementStack } from './stacks/management';
import type { SecurityStack } from './stacks/security';
import type { MemberStack } from './stacks/member';

// The stack classes (and with them the provider bindings) load when a stack is first built: the parent of a
// parallel synth, which only hands stacks to its workers, never pays for them.
/* eslint-disable @typescript-eslint/no-require-imports */
const stacks = {
  logArchive: () => (require('./stacks/log-archive') as typeof import('./stacks/log-archive')).LogArchiveStack,
  management: () => (require('./stacks/management') as typeof import('./stacks/management')).ManagementStack,
  security: () => (require('./stacks/security') as typeof import('./stacks/security')).SecurityStack,
  member: () => (require('./stacks/member') as typeof import('./stacks/member')).MemberStack,
};
/* eslint-enable @typescript-eslint/no-require-imports */

export interface OrgStacks {
  app: App;
  logArchive: LogArchiveStack;
  management: ManagementStack;
  security: SecurityStack;
  members: MemberStack[];
}

/**
 * Every stack of the organization with what it is built from and what it deploys after. The core stacks
 * read the whole config (the security stack resolves member names and OUs); a member stack is built from
 * the config with only its own entry under `accounts.members`, so its inputs are exactly that entry and
 * the rest of the config, and onboarding one account changes no other member's inputs.
 */
export function organizationStacks(config: OrgConfig): StackSource[] {
  const { members, ...accounts } = config.accounts;
  const shared = { ...config, accounts: { ...accounts, members: [] } };
  return [
    { name: 'log-archive', dependsOn: [], inputs: config, build: (app) => new (stacks.logArchive())(app, config) },
    { name: 'management', dependsOn: ['log-archive'], inputs: config, build: (app) => new (stacks.management())(app, config) },
    { name: 'security', dependsOn: ['management'], inputs: config, build: (app) => new (stacks.security())(app, config) },
    ...members.map((member): StackSource => ({
      name: member.name,
      dependsOn: ['security'],
      inputs: { shared, member },
      build: (app) => new (stacks.member())(app, { ...config, accounts: { ...config.accounts, members: [member] } }, member),
    })),
  ];
}

/** Builds every stack of the organization; dependencies give `cdktf deploy '*'` its order. */
export function buildApp(config: OrgConfig, app: App = new App()): OrgStacks {
  const built = new Map<string, ReturnType<StackSource['build']>>();
  for (const source of organizationStacks(config)) {
    const stack = source.build(app);
    for (const dependency of source.dependsOn) stack.addDependency(built.get(dependency)!);
    built.set(source.name, stack);
  }
  const [logArchive, management, security, ...members] = [...built.values()];
  return {
    app,
    logArchive: logArchive as LogArchiveStack,
    management: management as ManagementStack,
    security: security as SecurityStack,
    members: members as MemberStack[],
  };
}
