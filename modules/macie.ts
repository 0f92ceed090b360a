import { Construct } from 'constructs';
import { Macie2Account } from '@cdktf/provider-aws/lib/macie2-account';
import { Macie2OrganizationConfiguration } from '@cdktf/provider-aws/lib/macie2-organization-configuration';

export interface MacieOrganizationProps {
  region: string;
  findingPublishingFrequency?: string;
  /**
   * Account id of the delegated admin. Designating the Macie admin (management stack, deployed
   * first) enables Macie in that account, so EnableMacie would fail: when given, the existing Macie
   * session is adopted with an import block instead of being created.
   */
  adminAccountId?: string;
  /** Only the admin's own Macie session: see adminAccountOnlyRegions in config/sections/removal.ts. */
  adminAccountOnly?: boolean;
}

/**
 * Macie in one region from the delegated admin: enable the admin, then auto-enable for accounts
 * created later (existing ones enrol through their own stacks).
 *
 * Excluding the organization trail bucket from automated sensitive data discovery needs Macie's
 * classification scope (UpdateClassificationScope), which terraform-provider-aws 6.25 does not
 * offer; see the README for the one-off CLI call.
 */
export class MacieOrganization extends Construct {
  readonly account: Macie2Account;
  readonly organizationConfiguration?: Macie2OrganizationConfiguration;

  constructor(scope: Construct, id: string, props: MacieOrganizationProps) {
    super(scope, id);
    const { region } = props;
    this.account = new Macie2Account(this, 'account', {
      region,
      status: 'ENABLED',
      findingPublishingFrequency: props.findingPublishingFrequency ?? 'FIFTEEN_MINUTES',
    });
    // The resource id is the account id; `@region` selects the region of a v6 import.
    if (props.adminAccountId) this.account.importFrom(`${props.adminAccountId}@${region}`);
    if (props.adminAccountOnly) return;
    this.organizationConfiguration = new Macie2OrganizationConfiguration(this, 'organization-configuration', {
      region,
      autoEnable: true,
      dependsOn: [this.account],
    });
  }
}
