import { z } from 'zod';
import type { OrgConfig } from '../schema';
import { accountId, fail, strictObject, type ValidAt } from '../zod-helpers';

/** Retention values CloudWatch Logs accepts. */
export const LOG_GROUP_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Colder storage classes the trail bucket may transition to (minimum ages enforced by S3). */
export const TRANSITION_STORAGE_CLASSES = ['STANDARD_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'] as const;

// The problem line already starts with the key's path, so the messages do not repeat it.
const positiveDays = () =>
  z
    .number()
    .int({ error: (i) => `must be a whole number of days, got ${String(i.input)}` })
    .min(1, { error: (i) => `must be positive (at least 1 day), got ${String(i.input)}` })
    .max(36500, { error: (i) => `must be at most 36500 days (100 years), got ${String(i.input)}` });

const trailName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/, {
    error: (i) =>
      `"${String(i.input)}" is not a valid trail name: 3-128 letters, digits, periods, underscores or hyphens, starting and ending with a letter or digit`,
  })
  .refine((n) => !/[._-]{2}/.test(n), { error: (i) => `trail name "${String(i.input)}" has adjacent periods, underscores or hyphens; CloudTrail rejects that` });

const objectLock = strictObject({
  mode: z
    .enum(['GOVERNANCE', 'COMPLIANCE'], { error: (i) => `object lock mode must be GOVERNANCE or COMPLIANCE, got ${JSON.stringify(i.input)}` })
    .default('GOVERNANCE')
    .describe('GOVERNANCE: principals with s3:BypassGovernanceRetention (only the deployment role, by bucket policy) can shorten retention. COMPLIANCE: nobody can, not even root, until the retention ends.'),
  acknowledgeComplianceModeIsIrreversible: z
    .boolean()
    .default(false)
    .describe('Must be true to select COMPLIANCE: locked log versions can then not be deleted by anyone, and the bucket cannot be deleted, until retention ends.'),
});

const dataEvents = strictObject({
  s3: z.boolean().default(false).describe('S3 object-level data events of every bucket in the organization (the trail bucket itself excluded). Costly at scale.'),
  lambda: z.boolean().default(false).describe('Lambda Invoke data events of every function in the organization.'),
  s3WriteOnly: z.boolean().default(false).describe('With s3: only write data events (PutObject, DeleteObject, ...), not reads: far fewer events.'),
});

/**
 * eventSource values CloudTrail accepts for network activity events (CloudTrail user guide,
 * "Logging network activity events"):
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-network-events-with-cloudtrail.html
 */
export const NETWORK_ACTIVITY_EVENT_SOURCES = [
  'aco-automation.amazonaws.com', 'appconfig.amazonaws.com', 'application-signals.amazonaws.com', 'appmesh.amazonaws.com',
  'athena.amazonaws.com', 'b2bi.amazonaws.com', 'backup-gateway.amazonaws.com', 'bcm-data-exports.amazonaws.com',
  'bcm-pricing-calculator.amazonaws.com', 'bedrock-agentcore.amazonaws.com', 'bedrock.amazonaws.com', 'billing.amazonaws.com',
  'cassandra.amazonaws.com', 'ce.amazonaws.com', 'cloudcontrolapi.amazonaws.com', 'cloudformation.amazonaws.com',
  'cloudhsm.amazonaws.com', 'cloudoptimization.amazonaws.com', 'cloudtrail.amazonaws.com', 'codedeploy.amazonaws.com',
  'comprehend.amazonaws.com', 'comprehendmedical.amazonaws.com', 'config.amazonaws.com', 'ds.amazonaws.com',
  'dynamodb.amazonaws.com', 'ec2.amazonaws.com', 'ecs.amazonaws.com', 'elasticfilesystem.amazonaws.com',
  'elasticloadbalancing.amazonaws.com', 'events.amazonaws.com', 'firehose.amazonaws.com', 'frauddetector.amazonaws.com',
  'freetier.amazonaws.com', 'fsx.amazonaws.com', 'glue.amazonaws.com', 'healthlake.amazonaws.com', 'invoicing.amazonaws.com',
  'iot.amazonaws.com', 'iotfleetwise.amazonaws.com', 'iotsecuredtunneling.amazonaws.com', 'kms.amazonaws.com',
  'lakeformation.amazonaws.com', 'lambda.amazonaws.com', 'license-manager.amazonaws.com', 'lookoutequipment.amazonaws.com',
  'lookoutvision.amazonaws.com', 'monitoring.amazonaws.com', 'nova-act.amazonaws.com', 'personalize.amazonaws.com',
  'qbusiness.amazonaws.com', 'rds.amazonaws.com', 'rekognition.amazonaws.com', 'rolesanywhere.amazonaws.com', 's3.amazonaws.com',
  'sagemaker.amazonaws.com', 'scheduler.amazonaws.com', 'secretsmanager.amazonaws.com', 'servicediscovery.amazonaws.com',
  'sns.amazonaws.com', 'sqs.amazonaws.com', 'ssm-contacts.amazonaws.com', 'ssm.amazonaws.com', 'storagegateway.amazonaws.com',
  'swf.amazonaws.com', 'textract.amazonaws.com', 'transcribe.amazonaws.com', 'transcribestreaming.amazonaws.com',
  'transform-agents.amazonaws.com', 'transform-custom.amazonaws.com', 'transform.amazonaws.com', 'translate.amazonaws.com',
  'user-subscriptions.amazonaws.com', 'verifiedpermissions.amazonaws.com', 'voiceid.amazonaws.com', 'workmail.amazonaws.com',
  'workmailmessageflow.amazonaws.com',
] as const;

export const DEFAULT_NETWORK_ACTIVITY_SOURCES = ['cloudtrail.amazonaws.com', 'kms.amazonaws.com', 's3.amazonaws.com', 'secretsmanager.amazonaws.com'];

const networkActivity = strictObject({
  enabled: z.boolean().default(false).describe('CloudTrail network activity events: API calls made through VPC endpoints of the listed services, organization-wide. Charged like data events.'),
  eventSources: z
    .array(z.enum(NETWORK_ACTIVITY_EVENT_SOURCES, { error: (i) => `"${String(i.input)}" is not an event source CloudTrail logs network activity for; allowed: ${NETWORK_ACTIVITY_EVENT_SOURCES.join(', ')}` }))
    .default(DEFAULT_NETWORK_ACTIVITY_SOURCES as (typeof NETWORK_ACTIVITY_EVENT_SOURCES)[number][])
    .describe('Services (eventSource) whose VPC endpoint traffic is logged; one selector each.'),
  accessDeniedOnly: z
    .boolean()
    .default(true)
    .describe('Only calls a VPC endpoint policy denied (errorCode VpceAccessDenied), e.g. credentials from outside the organization: a small fraction of the events. false logs every call.'),
});

const cloudWatchLogs = strictObject({
  enabled: z.boolean().default(false).describe('Also deliver the trail to a CloudWatch Logs group in the management account (home region), for metric filters and alarms.'),
  retentionDays: z
    .number()
    .refine((d) => (LOG_GROUP_RETENTION_DAYS as readonly number[]).includes(d), {
      error: (i) => `CloudWatch Logs retention must be one of ${LOG_GROUP_RETENTION_DAYS.join(', ')}; got ${String(i.input)}`,
    })
    .default(365)
    .describe('Retention of the log group; the locked S3 archive stays the system of record.'),
});

const insights = strictObject({
  apiCallRate: z.boolean().default(false).describe('CloudTrail Insights ApiCallRateInsight (charged per event analysed).'),
  apiErrorRate: z.boolean().default(false).describe('CloudTrail Insights ApiErrorRateInsight (charged per event analysed).'),
});

export const loggingSchema = strictObject({
  trailName: trailName.default('org-guard-organization-trail').describe('Name of the organization trail in the management account (home region).'),
  retentionDays: positiveDays()
    .default(365)
    .describe('Object Lock default retention of every trail log version; noncurrent versions expire after it.'),
  objectLock: objectLock.prefault({}),
  transitionDays: positiveDays()
    .default(90)
    .describe('Age in days at which log files move to transitionStorageClass.'),
  transitionStorageClass: z
    .enum(TRANSITION_STORAGE_CLASSES, { error: (i) => `storage class must be one of ${TRANSITION_STORAGE_CLASSES.join(', ')}; got ${JSON.stringify(i.input)}` })
    .default('GLACIER_IR')
    .describe('Colder storage class for older logs. GLACIER_IR keeps them readable (e.g. by Athena) without a restore.'),
  expirationDays: positiveDays()
    .optional()
    .describe('Optional: delete current log files after this many days (never before retentionDays). Absent: logs are kept forever.'),
  dataEvents: dataEvents.prefault({}),
  networkActivity: networkActivity.prefault({}),
  cloudWatchLogs: cloudWatchLogs.prefault({}),
  insights: insights.prefault({}),
  readers: z
    .array(accountId)
    .optional()
    .describe('Accounts whose principals may read and decrypt trail logs (their IAM policies must also allow it). Absent: the security account.'),
}).prefault({});

export type LoggingConfig = z.output<typeof loggingSchema>;

/** Reader accounts of the trail logs: the configured list, else the security account. */
export function logReaders(cfg: OrgConfig): string[] {
  return cfg.logging.readers ?? [cfg.accounts.security.id];
}

export function checkLogging(cfg: OrgConfig, ctx: z.RefinementCtx, valid: ValidAt = () => true): void {
  const logging = cfg.logging;
  const lock = logging.objectLock;
  if (lock.mode === 'COMPLIANCE' && lock.acknowledgeComplianceModeIsIrreversible !== true) {
    fail(ctx, ['logging', 'objectLock', 'acknowledgeComplianceModeIsIrreversible'],
      'COMPLIANCE mode cannot be undone: no one (not even the root user) can delete a locked log version or the bucket until its retention ends; set acknowledgeComplianceModeIsIrreversible: true to confirm, or use mode: GOVERNANCE');
  }
  if (logging.expirationDays !== undefined && logging.expirationDays < logging.retentionDays) {
    fail(ctx, ['logging', 'expirationDays'],
      `expirationDays (${logging.expirationDays}) is shorter than retentionDays (${logging.retentionDays}); logs must be kept at least as long as they are locked: use a value >= ${logging.retentionDays} or remove expirationDays`);
  }
  const minimum: Record<string, number> = { STANDARD_IA: 30 };
  const floor = minimum[logging.transitionStorageClass] ?? 0;
  if (logging.transitionDays < floor) {
    fail(ctx, ['logging', 'transitionDays'], `S3 moves objects to ${logging.transitionStorageClass} only after at least ${floor} days; got ${logging.transitionDays}`);
  }
  if (logging.expirationDays !== undefined && logging.transitionDays >= logging.expirationDays) {
    fail(ctx, ['logging', 'transitionDays'],
      `transitionDays (${logging.transitionDays}) must be less than expirationDays (${logging.expirationDays}), or the transition never happens`);
  }
  if (logging.dataEvents.s3WriteOnly && !logging.dataEvents.s3) {
    fail(ctx, ['logging', 'dataEvents', 's3WriteOnly'], 's3WriteOnly narrows S3 data events, which are off: set s3: true, or remove s3WriteOnly');
  }
  const na = logging.networkActivity;
  if (na.enabled) {
    if (na.eventSources.length === 0) {
      fail(ctx, ['logging', 'networkActivity', 'eventSources'], `network activity events are enabled but no event source is listed; list services such as ${DEFAULT_NETWORK_ACTIVITY_SOURCES.join(', ')}, or set enabled: false`);
    }
    const seen = new Map<string, number>();
    na.eventSources.forEach((src, i) => {
      const first = seen.get(src);
      if (first !== undefined) fail(ctx, ['logging', 'networkActivity', 'eventSources', i], `event source "${src}" is already listed at index ${first}; list each source once`);
      else seen.set(src, i);
    });
  }
  if (logging.readers) {
    const { management, security, logArchive, members } = cfg.accounts;
    const known = new Set([management.id, security.id, logArchive.id, ...members.map((m) => m.id)]);
    const seen = new Set<string>();
    logging.readers.forEach((id, i) => {
      if (!valid('logging', 'readers', i)) return; // a malformed id is reported once, by its own schema
      if (!known.has(id)) {
        fail(ctx, ['logging', 'readers', i],
          `account ${id} is not an account of this organization (accounts.*); trail logs may only be shared inside the organization`);
      }
      if (seen.has(id)) fail(ctx, ['logging', 'readers', i], `account ${id} is listed twice; list each reader once`);
      seen.add(id);
    });
  }
}
