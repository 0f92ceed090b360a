import { readFileSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

/**
 * A copy of the organization config whose stacks assume a read-only role in every account, for
 * pull-request plans: providers only differ in `assume_role`, so the plan shows the same changes
 * as the apply would, while nothing the plan job holds can write to AWS.
 */
export function planConfig(text: string, roleName: string): string {
  if (!/^[\w+=,.@-]{1,64}$/.test(roleName)) throw new Error(`not a valid IAM role name: "${roleName}"`);
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`malformed YAML: ${doc.errors[0].message}`);
  doc.setIn(['deployment', 'roleName'], roleName);
  doc.setIn(['deployment', 'managementRoleName'], roleName);
  return doc.toString();
}

if (require.main === module) {
  const [input, output, role] = process.argv.slice(2);
  if (!input || !output || !role) {
    console.error('usage: plan-config <org.yaml> <out.yaml> <read-only role name>');
    process.exit(2);
  }
  writeFileSync(output, planConfig(readFileSync(input, 'utf8'), role));
  console.log(`wrote ${output}: every stack assumes ${role}`);
}
