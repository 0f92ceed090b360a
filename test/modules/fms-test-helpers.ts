import { Testing, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { TfJson } from '../helpers';

/** Synthesizes one throwaway stack holding whatever `build` adds. */
export function synthWith(build: (scope: Construct) => void): TfJson {
  const stack = new TerraformStack(Testing.app(), 'test');
  build(stack);
  return JSON.parse(Testing.synth(stack)) as TfJson;
}

/** Every aws_fms_policy with its managed_service_data parsed. */
export function fmsPolicies(json: TfJson): { key: string; body: any; data: any }[] {
  return Object.entries(json.resource?.aws_fms_policy ?? {}).map(([key, body]: [string, any]) => ({
    key,
    body,
    data: JSON.parse(body.security_service_policy_data.managed_service_data),
  }));
}
