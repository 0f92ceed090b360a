import { Construct } from 'constructs';
import { DetectiveGraph } from '@cdktf/provider-aws/lib/detective-graph';
import { DetectiveOrganizationConfiguration } from '@cdktf/provider-aws/lib/detective-organization-configuration';

export interface DetectiveOrganizationProps {
  region: string;
}

/**
 * Detective in one region from the delegated admin: the behavior graph, then organization
 * auto-enable (accounts created later; existing ones enrol through their own stacks).
 */
export class DetectiveOrganization extends Construct {
  readonly graph: DetectiveGraph;
  readonly organizationConfiguration: DetectiveOrganizationConfiguration;

  constructor(scope: Construct, id: string, props: DetectiveOrganizationProps) {
    super(scope, id);
    const { region } = props;
    this.graph = new DetectiveGraph(this, 'graph', { region, lifecycle: { preventDestroy: true } });
    this.organizationConfiguration = new DetectiveOrganizationConfiguration(this, 'organization-configuration', {
      region,
      graphArn: this.graph.graphArn,
      autoEnable: true,
      dependsOn: [this.graph],
    });
  }
}
