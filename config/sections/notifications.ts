import { z } from 'zod';
import type { OrgConfig } from '../schema';
import { emailAddress, fail, strictObject } from '../zod-helpers';

/** GuardDuty severity labels and the lowest numeric severity of each (GuardDuty's own bands). */
export const GUARDDUTY_SEVERITY_LABELS = { LOW: 1, MEDIUM: 4, HIGH: 7, CRITICAL: 9 } as const;
export type GuardDutySeverityLabel = keyof typeof GUARDDUTY_SEVERITY_LABELS;

const severityMessage = (input: unknown) =>
  `GuardDuty severity must be one of ${Object.keys(GUARDDUTY_SEVERITY_LABELS).join(', ')} or a number from 1 to 10, got ${JSON.stringify(input)}`;

const guardDutySeverity = z.union(
  [
    z.enum(Object.keys(GUARDDUTY_SEVERITY_LABELS) as [GuardDutySeverityLabel, ...GuardDutySeverityLabel[]]),
    z.number().min(1, { error: (i) => severityMessage(i.input) }).max(10, { error: (i) => severityMessage(i.input) }),
  ],
  { error: (issue) => severityMessage(issue.input) },
);

/** The numeric lower bound of a configured GuardDuty severity. */
export function guardDutySeverityThreshold(value: GuardDutySeverityLabel | number): number {
  return typeof value === 'number' ? value : GUARDDUTY_SEVERITY_LABELS[value];
}

const httpsEndpoint = z.url({
  protocol: /^https$/,
  error: (issue) => `must be an https:// URL, got ${JSON.stringify(issue.input)}`,
});

const rules = strictObject({
  guardDuty: z.boolean().default(true).describe('GuardDuty findings at or above guardDutyMinimumSeverity, from every governed region.'),
  securityHub: z.boolean().default(true).describe('Security Hub findings (all aggregated regions) with severity HIGH or CRITICAL.'),
  inspector: z.boolean().default(true).describe('Inspector findings with severity CRITICAL, from every governed region.'),
  firewallManager: z.boolean().default(true).describe('Firewall Manager non-compliance findings (through Security Hub).'),
});

export const notificationsSchema = strictObject({
  enabled: z.boolean().default(true).describe('Findings notifications in the security account, home region.'),
  emails: z.array(emailAddress).default([]).describe('Email subscribers of the findings topic (each must confirm the subscription mail).'),
  httpsEndpoints: z
    .array(httpsEndpoint)
    .default([])
    .describe('HTTPS subscribers (chat or paging relays); the endpoint must confirm the SNS subscription.'),
  guardDutyMinimumSeverity: guardDutySeverity
    .default('HIGH')
    .describe('LOW, MEDIUM, HIGH, CRITICAL or a number 1-10; findings at or above it are sent.'),
  markNotified: z
    .boolean()
    .default(true)
    .describe('Set each notified Security Hub finding to workflow status NOTIFIED, so its updates do not notify again (Security Hub resets it to NEW when the finding comes back).'),
  rules: rules.prefault({}),
}).prefault({});

/** Findings published to a topic without subscribers reach nobody. */
export function notificationsWarnings(cfg: OrgConfig): string[] {
  const n = cfg.notifications;
  if (!n.enabled || n.emails.length + n.httpsEndpoints.length > 0) return [];
  return ['notifications has no subscriber (notifications.emails and notifications.httpsEndpoints are empty): findings reach the SNS topic but nobody is told; add a subscriber'];
}

export function checkNotifications(cfg: OrgConfig, ctx: z.RefinementCtx): void {
  const n = cfg.notifications;
  const dupes = (list: string[], key: string, what: string, norm: (v: string) => string) => {
    const seen = new Map<string, number>();
    list.forEach((v, i) => {
      const first = seen.get(norm(v));
      if (first !== undefined) fail(ctx, ['notifications', key, i], `${what} "${v}" is already listed at index ${first}; list each once`);
      else seen.set(norm(v), i);
    });
  };
  if (n.enabled && !Object.values(n.rules).some(Boolean)) {
    // The topic policy names the rules as its only publishers: with none, it would admit no one (an empty aws:SourceArn list).
    fail(ctx, ['notifications', 'rules'],
      'every rule is off, so nothing would ever reach the findings topic; turn at least one of guardDuty, securityHub, inspector, firewallManager on, or set notifications.enabled: false');
  }
  dupes(n.emails, 'emails', 'email', (v) => v.toLowerCase());
  dupes(n.httpsEndpoints, 'httpsEndpoints', 'endpoint', (v) => v);
}
