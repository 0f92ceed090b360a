import { z } from 'zod';
import { configSchema } from './schema';

/** JSON Schema of the config file (input side: keys with defaults are optional), for editors. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any', target: 'draft-7' });
  return {
    ...schema,
    $id: 'https://github.com/org-guard/org-guard/config/organization.schema.json',
    title: 'org-guard organization config',
  };
}

export const JSON_SCHEMA_PATH = 'config/organization.schema.json';
