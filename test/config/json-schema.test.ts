import { readFileSync } from 'node:fs';
import { configJsonSchema, JSON_SCHEMA_PATH } from '../../config/json-schema';

describe('published JSON Schema', () => {
  const committed = JSON.parse(readFileSync(JSON_SCHEMA_PATH, 'utf8'));

  test('matches the zod schema (run `npm run schema` after changing config/)', () => {
    expect(committed).toEqual(configJsonSchema());
  });

  test('describes the required keys and forbids unknown ones', () => {
    expect(committed.required).toEqual(expect.arrayContaining(['organization', 'accounts']));
    expect(committed.additionalProperties).toBe(false);
    expect(committed.properties.accounts.properties.members.items.properties.id.pattern).toBe('^\\d{12}$');
  });

  test('the bundled example points editors at it', () => {
    expect(readFileSync('config/organization.yaml', 'utf8')).toMatch(/yaml-language-server: \$schema=\.\/organization\.schema\.json/);
  });
});
