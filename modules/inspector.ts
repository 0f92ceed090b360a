import { Construct } from 'constructs';
import { Inspector2Enabler } from '@cdktf/provider-aws/lib/inspector2-enabler';
import { Inspector2OrganizationConfiguration } from '@cdktf/provider-aws/lib/inspector2-organization-configuration';

export interface InspectorScanTypes {
  ec2?: boolean;
  ecr?: boolean;
  lambda?: boolean;
  /** Needs lambda. */
  lambdaCode?: boolean;
}

/** Inspector resource types for the enabler API, from the scan switches (all on by default). */
export function inspectorResourceTypes(s: InspectorScanTypes = {}): string[] {
  const on = (v: boolean | undefined) => v ?? true;
  if (on(s.lambdaCode) && !on(s.lambda)) throw new Error('Inspector Lambda code scanning needs Lambda scanning');
  return [
    on(s.ec2) ? 'EC2' : undefined,
    on(s.ecr) ? 'ECR' : undefined,
    on(s.lambda) ? 'LAMBDA' : undefined,
    on(s.lambdaCode) ? 'LAMBDA_CODE' : undefined,
  ].filter((t): t is string => t !== undefined);
}

/** Activation and membership calls can take many minutes per region. */
export const INSPECTOR_TIMEOUTS = { create: '30m', update: '30m', delete: '30m' };

export interface InspectorOrganizationProps {
  region: string;
  adminAccountId: string;
  scanTypes?: InspectorScanTypes;
  /**
   * Auto-enable Inspector code security (auto_enable.code_repository) for new accounts. Scans nothing
   * until a source-provider (GitHub/GitLab) integration exists, which is created outside Terraform.
   */
  codeRepository?: boolean;
  /** Only the admin's own enabler: see adminAccountOnlyRegions in config/sections/removal.ts. */
  adminAccountOnly?: boolean;
}

/**
 * Inspector in one region from the delegated admin: activate the admin itself (an enabler for its
 * own id only: admin and member ids never share an enabler), then auto-enable for new accounts.
 */
export class InspectorOrganization extends Construct {
  readonly enabler: Inspector2Enabler;
  readonly organizationConfiguration?: Inspector2OrganizationConfiguration;

  constructor(scope: Construct, id: string, props: InspectorOrganizationProps) {
    super(scope, id);
    const { region } = props;
    const s = props.scanTypes ?? {};
    this.enabler = new Inspector2Enabler(this, 'enabler', {
      region,
      accountIds: [props.adminAccountId],
      resourceTypes: inspectorResourceTypes(s),
      timeouts: INSPECTOR_TIMEOUTS,
    });
    if (props.adminAccountOnly) return;
    this.organizationConfiguration = new Inspector2OrganizationConfiguration(this, 'organization-configuration', {
      region,
      autoEnable: {
        ec2: s.ec2 ?? true,
        ecr: s.ecr ?? true,
        lambda: s.lambda ?? true,
        lambdaCode: s.lambdaCode ?? true,
        // Written only when on: the provider's default is false, so configurations without it do not change.
        ...(props.codeRepository ? { codeRepository: true } : {}),
      },
      timeouts: INSPECTOR_TIMEOUTS,
      dependsOn: [this.enabler],
    });
  }
}
