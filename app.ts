import { App } from 'cdktf';
import type { OrgConfig } from './config/schema';
import { LogArchiveStack } from './stacks/log-archive';
import { ManagementStack } from './stacks/management';
import { SecurityStack } from './stacks/security';
import { MemberStack } from './stacks/member';

export interface OrgStacks {
  app: App;
  logArchive: LogArchiveStack;
  management: ManagementStack;
  security: SecurityStack;
  members: MemberStack[];
}

/** Builds every stack of the organization; dependencies give `cdktf deploy '*'` its order. */
export function buildApp(config: OrgConfig, app: App = new App()): OrgStacks {
  const logArchive = new LogArchiveStack(app, config);
  const management = new ManagementStack(app, config);
  management.addDependency(logArchive);
  const security = new SecurityStack(app, config);
  security.addDependency(management);
  const members = config.accounts.members.map((m) => {
    const stack = new MemberStack(app, config, m);
    stack.addDependency(security);
    return stack;
  });
  return { app, logArchive, management, security, members };
}
