import { resourcesOf, type TfJson } from '../helpers';
import { parsePolicy, type Policy } from '../policy-eval';

/** Logical id of the aws_s3_bucket with this name. */
export function bucketIdOf(json: TfJson, bucketName: string): string {
  const found = resourcesOf(json, 'aws_s3_bucket').find(([, b]) => b.bucket === bucketName);
  if (!found) throw new Error(`no aws_s3_bucket named ${bucketName}`);
  return found[0];
}

/** The bucket resource and every per-bucket resource of a type that points at it. */
export function bucketResource(json: TfJson, bucketName: string): any {
  return json.resource!.aws_s3_bucket[bucketIdOf(json, bucketName)];
}

export function attachedTo(json: TfJson, type: string, bucketName: string): any[] {
  const ref = `\${aws_s3_bucket.${bucketIdOf(json, bucketName)}.id}`;
  return resourcesOf(json, type).filter(([, r]) => r.bucket === ref).map(([, r]) => r);
}

export function bucketPolicyOf(json: TfJson, bucketName: string): Policy {
  const policies = attachedTo(json, 'aws_s3_bucket_policy', bucketName);
  if (policies.length !== 1) throw new Error(`expected one policy on ${bucketName}, found ${policies.length}`);
  return parsePolicy(policies[0].policy);
}

export function keyPolicyOf(json: TfJson): Policy {
  const keys = resourcesOf(json, 'aws_kms_key');
  if (keys.length !== 1) throw new Error(`expected one KMS key, found ${keys.length}`);
  return parsePolicy(keys[0][1].policy);
}
