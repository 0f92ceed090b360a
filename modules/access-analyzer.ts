import { Construct } from 'constructs';
import { AccessanalyzerAnalyzer } from '@cdktf/provider-aws/lib/accessanalyzer-analyzer';
import { AccessanalyzerArchiveRule, type AccessanalyzerArchiveRuleFilter } from '@cdktf/provider-aws/lib/accessanalyzer-archive-rule';

/** One inclusion of the internal-access analysis rule (the resources analyzed). */
export interface InternalAccessInclusion {
  accountIds?: readonly string[];
  resourceTypes?: readonly string[];
  resourceArns?: readonly string[];
}

export interface ArchiveCriterion {
  eq?: readonly string[];
  neq?: readonly string[];
  contains?: readonly string[];
  exists?: boolean;
}

export interface ArchiveRuleSpec {
  name: string;
  analyzer: 'external' | 'unusedAccess' | 'internalAccess';
  filter: Record<string, ArchiveCriterion>;
}

/** filter blocks of aws_accessanalyzer_archive_rule (exists is the provider's nullable-bool string). */
export function archiveFilter(filter: Record<string, ArchiveCriterion>): AccessanalyzerArchiveRuleFilter[] {
  return Object.keys(filter).sort().map((criteria) => {
    const c = filter[criteria];
    return {
      criteria,
      eq: c.eq ? [...c.eq] : undefined,
      neq: c.neq ? [...c.neq] : undefined,
      contains: c.contains ? [...c.contains] : undefined,
      exists: c.exists === undefined ? undefined : String(c.exists),
    };
  });
}

export interface AccessAnalyzerOrganizationProps {
  /** Analyzers are regional: external access is analyzed per region, so one per governed region. */
  regions: readonly string[];
  /** Region of the unused-access analyzer (IAM is global: one is enough). */
  homeRegion: string;
  /** Organization unused-access analyzer; charged per role and user, off by default. */
  unusedAccess?: { enabled: boolean; unusedAccessAgeDays?: number };
  /** Organization internal-access analyzer (charged per monitored resource): one, in `region`, monitoring that Region's resources. */
  internalAccess?: { enabled: boolean; region: string; inclusions: readonly InternalAccessInclusion[] };
  /** Archive rules for known, reviewed findings; external rules repeat in every analyzer region. */
  archiveRules?: readonly ArchiveRuleSpec[];
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
    // Getters return Terraform references, so keep the literal regions alongside.
    const external = props.regions.map((region, i) => ({ analyzer: this.analyzers[i], region }));
    const unused = props.unusedAccess?.enabled ? [{ analyzer: this.analyzers[props.regions.length], region: props.homeRegion }] : [];

    // The configuration is ForceNew: changing the inclusions replaces the analyzer (its findings are regenerated).
    let internal: AccessanalyzerAnalyzer | undefined;
    if (props.internalAccess?.enabled) {
      internal = new AccessanalyzerAnalyzer(this, 'internal-access', {
        region: props.internalAccess.region,
        analyzerName: `${name}-internal-access`,
        type: 'ORGANIZATION_INTERNAL_ACCESS',
        configuration: {
          internalAccess: {
            analysisRule: {
              inclusion: props.internalAccess.inclusions.map((i) => ({
                accountIds: i.accountIds && i.accountIds.length > 0 ? [...i.accountIds] : undefined,
                resourceTypes: i.resourceTypes && i.resourceTypes.length > 0 ? [...i.resourceTypes] : undefined,
                resourceArns: i.resourceArns && i.resourceArns.length > 0 ? [...i.resourceArns] : undefined,
              })),
            },
          },
        },
      });
      this.analyzers.push(internal);
    }
    const internals = internal && props.internalAccess ? [{ analyzer: internal, region: props.internalAccess.region }] : [];

    for (const rule of props.archiveRules ?? []) {
      const targets = rule.analyzer === 'external' ? external : rule.analyzer === 'unusedAccess' ? unused : internals;
      for (const { analyzer, region } of targets) {
        new AccessanalyzerArchiveRule(this, `archive-${rule.analyzer}-${rule.name}-${region}`, {
          region,
          // The reference orders the rule after its analyzer.
          analyzerName: analyzer.analyzerName,
          ruleName: rule.name,
          filter: archiveFilter(rule.filter),
        });
      }
    }
  }
}
