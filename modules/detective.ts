import { Construct } from 'constructs';
import { DetectiveGraph } from '@cdktf/provider-aws/lib/detective-graph';
import { DetectiveOrganizationConfiguration } from '@cdktf/provider-aws/lib/detective-organization-configuration';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';

/**
 * SSM parameter (same name in every region of the security account) holding that region's behavior graph
 * ARN. Graph ARNs are random, so member stacks read it through their `security` provider instead of a
 * copied config value: a new organization deploys in one pass.
 */
export const DETECTIVE_GRAPH_PARAMETER = '/org-guard/detective/graph-arn';

export interface DetectiveOrganizationProps {
  region: string;
  /** Only the admin's own behavior graph: see adminAccountOnlyRegions in config/sections/removal.ts. */
  adminAccountOnly?: boolean;
}

/**
 * Detective in one region from the delegated admin: the behavior graph, then organization
 * auto-enable (accounts created later; existing ones enrol through their own stacks), and the graph ARN
 * published for those stacks.
 */
export class DetectiveOrganization extends Construct {
  readonly graph: DetectiveGraph;
  readonly organizationConfiguration?: DetectiveOrganizationConfiguration;
  readonly graphArnParameter?: SsmParameter;

  constructor(scope: Construct, id: string, props: DetectiveOrganizationProps) {
    super(scope, id);
    const { region } = props;
    this.graph = new DetectiveGraph(this, 'graph', { region, lifecycle: { preventDestroy: true } });
    if (props.adminAccountOnly) return;
    this.organizationConfiguration = new DetectiveOrganizationConfiguration(this, 'organization-configuration', {
      region,
      graphArn: this.graph.graphArn,
      autoEnable: true,
      dependsOn: [this.graph],
    });
    // insecure_value: a String, not a secret; plans show the ARN instead of "(sensitive value)".
    this.graphArnParameter = new SsmParameter(this, 'graph-arn-parameter', {
      region,
      name: DETECTIVE_GRAPH_PARAMETER,
      description: 'org-guard: Detective behavior graph of this region (read by member stacks to enrol their account)',
      type: 'String',
      tier: 'Standard',
      insecureValue: this.graph.graphArn,
    });
  }
}
