import { DetectiveOrganization } from '../../modules/detective';
import { resourcesOf } from '../helpers';
import { synthModule } from './module-helpers';

test('DetectiveOrganization: graph first, then auto-enable on that graph', () => {
  const json = synthModule((s) => new DetectiveOrganization(s, 'd', { region: 'eu-west-1' }));
  const [[graphName, graph]] = resourcesOf(json, 'aws_detective_graph');
  expect(graph).toMatchObject({ region: 'eu-west-1', lifecycle: { prevent_destroy: true } });
  const [[, oc]] = resourcesOf(json, 'aws_detective_organization_configuration');
  expect(oc).toMatchObject({ region: 'eu-west-1', auto_enable: true, graph_arn: `\${aws_detective_graph.${graphName}.graph_arn}` });
  expect(oc.depends_on).toEqual([`aws_detective_graph.${graphName}`]);
});
