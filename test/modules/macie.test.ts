import { MacieOrganization } from '../../modules/macie';
import { resourcesOf } from '../helpers';
import { synthModule } from './module-helpers';

test('MacieOrganization: the admin account first, then auto-enable', () => {
  const json = synthModule((s) => new MacieOrganization(s, 'm', { region: 'eu-west-1' }));
  const [[accName, acc]] = resourcesOf(json, 'aws_macie2_account');
  expect(acc).toMatchObject({ region: 'eu-west-1', status: 'ENABLED' });
  const [[, oc]] = resourcesOf(json, 'aws_macie2_organization_configuration');
  expect(oc).toMatchObject({ region: 'eu-west-1', auto_enable: true, depends_on: [`aws_macie2_account.${accName}`] });
});

test('MacieOrganization: the admin session that the designation enabled is imported (account id @ region), never created anew', () => {
  const json = synthModule((s) => new MacieOrganization(s, 'm', { region: 'eu-west-1', adminAccountId: '222222222222' }));
  const [[accName]] = resourcesOf(json, 'aws_macie2_account');
  expect(json.import).toEqual([{ to: `aws_macie2_account.${accName}`, id: '222222222222@eu-west-1' }]);
});
