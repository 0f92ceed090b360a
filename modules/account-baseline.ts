import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { S3AccountPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-account-public-access-block';
import { EbsEncryptionByDefault } from '@cdktf/provider-aws/lib/ebs-encryption-by-default';
import { EbsSnapshotBlockPublicAccess } from '@cdktf/provider-aws/lib/ebs-snapshot-block-public-access';
import { Ec2ImageBlockPublicAccess } from '@cdktf/provider-aws/lib/ec2-image-block-public-access';
import { IamAccountPasswordPolicy } from '@cdktf/provider-aws/lib/iam-account-password-policy';

export interface PasswordPolicyProps {
  /** CIS AWS Foundations 1.8: at least 14. */
  minimumLength?: number;
  /** CIS AWS Foundations 1.9: 24. */
  reusePrevention?: number;
  maxAgeDays?: number;
}

export interface AccountBaselineProps {
  accountId: string;
  /** Governed regions: regional settings are applied in each. */
  regions: readonly string[];
  passwordPolicy?: PasswordPolicyProps;
  /** Default true. */
  ebsEncryptionByDefault?: boolean;
  /** EBS snapshot and AMI public sharing blocked; default true. */
  blockPublicSnapshotSharing?: boolean;
  /**
   * The organization's EC2 declarative policy sets snapshot and AMI block public access for this
   * account in every region: the per-region resources are left out, and ones created before are
   * forgotten (`removed`, destroy = false), never destroyed.
   */
  snapshotSharingByOrganizationPolicy?: boolean;
}

/** Settings every account gets, core accounts included. */
export class AccountBaseline extends Construct {
  constructor(scope: Construct, id: string, props: AccountBaselineProps) {
    super(scope, id);
    const pw = props.passwordPolicy ?? {};

    new S3AccountPublicAccessBlock(this, 's3-public-access-block', {
      accountId: props.accountId,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    new IamAccountPasswordPolicy(this, 'password-policy', {
      minimumPasswordLength: pw.minimumLength ?? 14,
      passwordReusePrevention: pw.reusePrevention ?? 24,
      maxPasswordAge: pw.maxAgeDays,
      requireLowercaseCharacters: true,
      requireUppercaseCharacters: true,
      requireNumbers: true,
      requireSymbols: true,
      allowUsersToChangePassword: true,
      hardExpiry: false,
    });

    const forgotten: string[] = [];
    for (const region of props.regions) {
      if (props.ebsEncryptionByDefault ?? true) {
        new EbsEncryptionByDefault(this, `ebs-encryption-${region}`, { region, enabled: true });
      }
      if (props.snapshotSharingByOrganizationPolicy) {
        forgotten.push(
          this.forget(`ebs-snapshot-bpa-${region}`, 'aws_ebs_snapshot_block_public_access'),
          this.forget(`ami-bpa-${region}`, 'aws_ec2_image_block_public_access'),
        );
      } else if (props.blockPublicSnapshotSharing ?? true) {
        new EbsSnapshotBlockPublicAccess(this, `ebs-snapshot-bpa-${region}`, { region, state: 'block-all-sharing' });
        new Ec2ImageBlockPublicAccess(this, `ami-bpa-${region}`, { region, state: 'block-new-sharing' });
      }
    }
    if (forgotten.length > 0) {
      // Removing them from state only: deleting would call Disable*BlockPublicAccess, which AWS refuses
      // for accounts a declarative policy covers, and the account setting underneath is what the
      // attribute rolls back to if the policy is ever detached, so it should stay blocked.
      // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_declarative_syntax.html
      TerraformStack.of(this).addOverride('removed', forgotten.map((from) => ({ from, lifecycle: { destroy: false } })));
    }
  }

  /** Terraform address the resource had at this construct id (ids are a contract: same id, same address). */
  private forget(id: string, type: string): string {
    const placeholder = new Construct(this, id);
    return `${type}.${TerraformStack.of(this).getLogicalId(placeholder.node)}`;
  }
}
