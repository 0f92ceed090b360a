import { Construct } from 'constructs';
import { AccessanalyzerAnalyzer } from '@cdktf/provider-aws/lib/accessanalyzer-analyzer';

export interface AccessAnalyzerOrganizationProps {
  /** Analyzers are regional: external access is analyzed per region, so one per governed region. */
  regions: readonly string[];
  /** Region of the unused-access analyzer (IAM is global: one is enough). */
  homeRegion: string;
  /** Organization unused-access analyzer; charged per role and user, off by default. */
  unusedAccess?: { enabled: boolean; unusedAccessAgeDays?: number };
  name?: string;
}

/** Organization-wide IAM Access Analyzer, run from the delegated admin. */
export class AccessAnalyzerOrganization extends Construct {
  readonly analyzers: AccessanalyzerAnalyzer[] = [];

  constructor(scope: Construct, id: string, props: AccessAnalyzerOrganizationProps) {
    super(scope, id);
    const name = props.name ?? 'org-guard-organization';
    for (const region of props.regions) {
      this.analyzers.push(new AccessanalyzerAnalyzer(this, `external-${region}`, { region, analyzerName: name, type: 'ORGANIZATION' }));
    }
    if (props.unusedAccess?.enabled) {
      this.analyzers.push(new AccessanalyzerAnalyzer(this, 'unused-access', {
        region: props.homeRegion,
        analyzerName: `${name}-unused-access`,
        type: 'ORGANIZATION_UNUSED_ACCESS',
        configuration: { unusedAccess: { unusedAccessAge: props.unusedAccess.unusedAccessAgeDays ?? 90 } },
      }));
    }
  }
}
