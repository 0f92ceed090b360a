import type { OrgConfig } from './schema';
import { servicesWarnings } from './sections/services';
import { budgetWarnings } from './sections/budget';
import { notificationsWarnings } from './sections/notifications';
import { removalWarnings } from './sections/removal';
import { securityHubTuningWarnings } from './sections/security-hub-tuning';
import { guardrailsWarnings } from './sections/guardrails';
import { verifyWarnings } from './sections/verify';

/** Things that do not stop synth but leave a gap someone should know about; main.ts prints them. */
export function configWarnings(cfg: OrgConfig): string[] {
  return [...servicesWarnings(cfg), ...budgetWarnings(cfg), ...notificationsWarnings(cfg), ...removalWarnings(cfg), ...securityHubTuningWarnings(cfg), ...guardrailsWarnings(cfg), ...verifyWarnings(cfg)];
}
