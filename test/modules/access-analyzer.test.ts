import { AccessAnalyzerOrganization } from '../../modules/access-analyzer';
import { resourcesOf } from '../helpers';
import { synthModule } from './module-helpers';

test('AccessAnalyzerOrganization: an organization analyzer per region, unused access only when asked', () => {
  const plain = synthModule((s) => new AccessAnalyzerOrganization(s, 'a', { regions: ['eu-west-1', 'us-east-1'], homeRegion: 'eu-west-1' }));
  expect(resourcesOf(plain, 'aws_accessanalyzer_analyzer').map(([, b]) => [b.region, b.type])).toEqual([
    ['eu-west-1', 'ORGANIZATION'], ['us-east-1', 'ORGANIZATION'],
  ]);
  const unused = synthModule((s) => new AccessAnalyzerOrganization(s, 'a', {
    regions: ['eu-west-1'], homeRegion: 'eu-west-1', unusedAccess: { enabled: true, unusedAccessAgeDays: 30 },
  }));
  expect(resourcesOf(unused, 'aws_accessanalyzer_analyzer').map(([, b]) => b)).toContainEqual(expect.objectContaining({
    type: 'ORGANIZATION_UNUSED_ACCESS', region: 'eu-west-1', configuration: { unused_access: { unused_access_age: 30 } },
  }));
});
