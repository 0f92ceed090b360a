import { Testing } from 'cdktf';
import type { Construct } from 'constructs';
import type { TfJson } from '../helpers';

/** Synthesizes constructs built in a fresh test stack. */
export function synthModule(build: (scope: Construct) => void): TfJson {
  return JSON.parse(Testing.synthScope(build)) as TfJson;
}
