import { z } from 'zod';
import type { OrgConfig } from '../schema';
import { emailAddress, fail, strictObject } from '../zod-helpers';

/** AWS Budgets limits: 5 notifications per budget, 10 email subscribers per notification. */
export const MAX_BUDGET_NOTIFICATIONS = 5;
export const MAX_BUDGET_EMAILS = 10;

const percent = z
  .number()
  .gt(0, { error: (i) => `a threshold is a percentage of the limit greater than 0, got ${JSON.stringify(i.input)}` })
  .max(1000, { error: (i) => `a threshold is a percentage of the limit, at most 1000, got ${JSON.stringify(i.input)}` });

export const budgetSchema = strictObject({
  enabled: z.boolean().default(true).describe('Monthly cost budget of the whole organization, in the management account.'),
  monthlyLimitUsd: z
    .number()
    .positive({ error: (i) => `the monthly limit must be a positive amount of USD, got ${JSON.stringify(i.input)}` })
    .default(1000)
    .describe('Monthly cost limit in USD; thresholds are percentages of it. Set it near your usual bill so an unusual bill (a leaked key) alerts early.'),
  thresholds: z
    .array(percent)
    .default([50, 80, 100])
    .describe('Alert when actual cost reaches these percentages of the limit.'),
  forecastThreshold: z
    .union([percent, z.null()])
    .default(100)
    .describe('Alert when forecasted cost reaches this percentage of the limit; null turns it off.'),
  recipients: z
    .array(emailAddress)
    .default([])
    .describe('Email recipients (at most 10). Empty: accounts.management.email when set.'),
}).prefault({});

/** Who receives budget alerts: the configured recipients, else the management account email. */
export function budgetRecipients(cfg: OrgConfig): string[] {
  if (cfg.budget.recipients.length > 0) return cfg.budget.recipients;
  return cfg.accounts.management.email ? [cfg.accounts.management.email] : [];
}

/** A budget nobody hears about catches nothing: worth saying at synth. */
export function budgetWarnings(cfg: OrgConfig): string[] {
  if (!cfg.budget.enabled || budgetRecipients(cfg).length > 0) return [];
  return ['budget has no recipient (budget.recipients is empty and accounts.management has no email): the budget is created without alerts; add budget.recipients'];
}

export function checkBudget(cfg: OrgConfig, ctx: z.RefinementCtx): void {
  const b = cfg.budget;
  if (!b.enabled) return;
  const seen = new Map<number, number>();
  b.thresholds.forEach((t, i) => {
    const first = seen.get(t);
    if (first !== undefined) fail(ctx, ['budget', 'thresholds', i], `threshold ${t} is already listed at index ${first}; list each percentage once`);
    else seen.set(t, i);
  });
  const count = b.thresholds.length + (b.forecastThreshold === null ? 0 : 1);
  if (count > MAX_BUDGET_NOTIFICATIONS) {
    fail(ctx, ['budget', 'thresholds'],
      `${count} notifications (thresholds plus the forecast one); AWS Budgets allows at most ${MAX_BUDGET_NOTIFICATIONS} per budget`);
  }
  if (b.recipients.length > MAX_BUDGET_EMAILS) {
    fail(ctx, ['budget', 'recipients'], `${b.recipients.length} recipients; AWS Budgets allows at most ${MAX_BUDGET_EMAILS} emails per notification`);
  }
  const seenMail = new Map<string, number>();
  b.recipients.forEach((r, i) => {
    const first = seenMail.get(r.toLowerCase());
    if (first !== undefined) fail(ctx, ['budget', 'recipients', i], `recipient "${r}" is already listed at index ${first}; list each once`);
    else seenMail.set(r.toLowerCase(), i);
  });
  if (b.thresholds.length === 0 && b.forecastThreshold === null) {
    fail(ctx, ['budget', 'thresholds'], 'no threshold and no forecastThreshold: the budget would never alert; list thresholds or set budget.enabled: false');
  }
}
