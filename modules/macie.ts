import { Construct } from 'constructs';
import { Macie2Account } from '@cdktf/provider-aws/lib/macie2-account';
import { Macie2OrganizationConfiguration } from '@cdktf/provider-aws/lib/macie2-organization-configuration';

export interface MacieOrganizationProps {
  region: string;
  findingPublishingFrequency?: string;
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
  readonly organizationConfiguration: Macie2OrganizationConfiguration;

  constructor(scope: Construct, id: string, props: MacieOrganizationProps) {
    super(scope, id);
    const { region } = props;
    this.account = new Macie2Account(this, 'account', {
      region,
      status: 'ENABLED',
      findingPublishingFrequency: props.findingPublishingFrequency ?? 'FIFTEEN_MINUTES',
    });
    this.organizationConfiguration = new Macie2OrganizationConfiguration(this, 'organization-configuration', {
      region,
      autoEnable: true,
      dependsOn: [this.account],
    });
  }
}
