import { Construct } from 'constructs';
import * as path from 'node:path';
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { OrgConfig } from '../config/schema';
import { AccountBaseline } from '../modules/account-baseline';
import { ConfigRecorder } from '../modules/config-recorder';
import { logArchiveNames } from '../modules/names';
import { fmsOnlyRecording } from './wiring/firewall-manager';
import { ec2PolicyCovers } from '../config/sections/organization-policies';
import { continuousOverrideTypes } from '../config/sections/config-recording';

export type AccountRole = 'management' | 'log-archive' | 'security' | 'member';

export interface AccountStackProps {
  config: OrgConfig;
  role: AccountRole;
  accountId: string;
}

/**
 * One stack per account: a single AWS provider pinned to that account (regional resources pass
 * `region` instead of using per-region aliases), its own state, and the account baseline.
 */
export class AccountStack extends TerraformStack {
  readonly config: OrgConfig;
  readonly role: AccountRole;
  readonly accountId: string;
  readonly provider: AwsProvider;

  constructor(scope: Construct, name: string, props: AccountStackProps) {
    super(scope, name);
    this.config = props.config;
    this.role = props.role;
    this.accountId = props.accountId;
    const { organization, deployment } = props.config;

    const roleName = props.role === 'management' ? deployment.managementRoleName : deployment.roleName;
    this.provider = new AwsProvider(this, 'aws', {
      region: organization.homeRegion,
      allowedAccountIds: [props.accountId],
      assumeRole: roleName
        ? [{ roleArn: roleArnFor(props.accountId, roleName), sessionName: deployment.sessionName }]
        : undefined,
      defaultTags: [{ tags: this.defaultTags }],
    });

    configureBackend(this, name, props.config, props.role);

    new AccountBaseline(this, 'baseline', {
      accountId: props.accountId,
      regions: organization.regions,
      passwordPolicy: props.config.baseline.passwordPolicy,
      ebsEncryptionByDefault: props.config.baseline.ebsEncryptionByDefault,
      blockPublicSnapshotSharing: props.config.baseline.blockPublicSnapshotSharing,
      snapshotSharingByOrganizationPolicy: ec2PolicyCovers(props.config, {
        role: props.role,
        ou: props.config.accounts.members.find((m) => m.id === props.accountId)?.ou,
      }),
    });

    // Firewall Manager needs AWS Config recording in every in-scope account and region (and in us-east-1 for
    // its CloudFront policies).
    const recording = props.config.firewallManager.configRecording;
    if (recording.enabled) {
      new ConfigRecorder(this, 'config-recorder', {
        accountId: props.accountId,
        regions: organization.regions,
        homeRegion: organization.homeRegion,
        bucketName: logArchiveNames(props.config).configBucket,
        createServiceLinkedRole: recording.createServiceLinkedRole,
        deliveryFrequency: recording.deliveryFrequency,
        bucketInThisStack: props.role === 'log-archive',
        // CloudFront-scope FMS policies need recording in us-east-1 even where it is not governed.
        resourceTypesOnly: fmsOnlyRecording(props.config),
        recording: {
          frequency: recording.recordingFrequency,
          overrideResourceTypes: recording.recordingFrequency === 'DAILY' ? continuousOverrideTypes(props.config) : recording.dailyResourceTypes,
          excludedResourceTypes: recording.excludedResourceTypes,
        },
      });
    }
  }

  /** Tags of every resource of this stack (every provider of the stack sets them). */
  get defaultTags(): Record<string, string> {
    return { ManagedBy: 'org-guard', OrgGuardStack: this.node.id, ...this.config.tags };
  }

  get homeRegion(): string {
    return this.config.organization.homeRegion;
  }

  get regions(): readonly string[] {
    return this.config.organization.regions;
  }
}

export function roleArnFor(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

function configureBackend(stack: TerraformStack, name: string, config: OrgConfig, role: AccountRole): void {
  const backend = config.backend;
  if (!backend) {
    // cdktf's embedded default, made explicit: state beside the project, outside cdktf.out (rewritten on every synth).
    new LocalBackend(stack, { path: path.join(process.cwd(), `terraform.${name}.tfstate`) });
    return;
  }
  if (backend.type === 'cloud') {
    // One named workspace per stack: state, locking, runs and their concurrency live in HCP Terraform. The
    // cloud block cannot tag a named workspace (`tags` and `name` conflict: cdktf's CloudBackend docs,
    // node_modules/cdktf/lib/backends/cloud-backend.d.ts), so the role shows in the project instead.
    const project = role === 'member' ? backend.memberProject ?? backend.project : backend.project;
    new CloudBackend(stack, {
      organization: backend.organization,
      hostname: backend.hostname,
      workspaces: new NamedCloudWorkspace(`${backend.workspacePrefix}${name}`, project),
    });
    return;
  }
  const s3 = new S3Backend(stack, {
    bucket: backend.bucket,
    key: `${backend.keyPrefix ? `${backend.keyPrefix}/` : ''}${name}.tfstate`,
    region: backend.region,
    encrypt: true,
    kmsKeyId: backend.kmsKeyId,
    assumeRole: backend.roleArn ? { roleArn: backend.roleArn, sessionName: `${config.deployment.sessionName}-state` } : undefined,
  });
  // Native S3 locking (Terraform >= 1.10); cdktf 0.21's typed config predates the argument.
  s3.addOverride('use_lockfile', true);
}
