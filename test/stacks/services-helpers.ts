import type { TfJson } from '../helpers';
import { resourcesOf } from '../helpers';

export const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1'];

/** Resources of a type keyed by their `region` argument (fails on two in one region). */
export function byRegion(stack: TfJson, type: string, where: (body: any) => boolean = () => true): Record<string, [string, any]> {
  const out: Record<string, [string, any]> = {};
  for (const [name, body] of resourcesOf(stack, type).filter(([, b]) => where(b))) {
    if (out[body.region]) throw new Error(`two ${type} in ${body.region}`);
    out[body.region] = [name, body];
  }
  return out;
}

/** True when `body` depends (explicitly) on the resource `type.name`. */
export function dependsOn(body: any, type: string, name: string): boolean {
  return (body.depends_on ?? []).includes(`${type}.${name}`);
}

/** Every resource of a stack as `type.name` -> body, for whole-stack comparisons. */
export function allResources(stack: TfJson): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) out[`${type}.${name}`] = body;
  }
  return out;
}
