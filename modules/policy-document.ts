/**
 * IAM policy documents as plain data: built in TypeScript and serialized with JSON.stringify, so the
 * synthesized JSON holds the literal policy (tests and plan review can evaluate it) instead of a
 * data-source reference resolved only at plan time.
 */
export type PolicyValue = string | string[];

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  /** Resource and trust policies only. */
  Principal?: '*' | { AWS?: PolicyValue; Service?: PolicyValue; Federated?: PolicyValue };
  Action: PolicyValue;
  /** Absent in trust policies. */
  Resource?: PolicyValue;
  Condition?: Record<string, Record<string, PolicyValue | boolean>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

export function accountRoot(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}
