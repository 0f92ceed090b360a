import { evaluate, isAllowed, matchingStatements, wildcardGrants, type Policy } from './policy-eval';

// The evaluator decides what the policy tests prove; these pin the AWS semantics it relies on.
describe('policy evaluator', () => {
  const policy: Policy = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Tls', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      {
        Sid: 'Write',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::b/AWSLogs/111111111111/*',
        Condition: { StringEquals: { 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111111111111:trail/t' } },
      },
      { Sid: 'Read', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 's3:Get*', Resource: 'arn:aws:s3:::b/*' },
      {
        Sid: 'Protect',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:DeleteObject',
        Resource: 'arn:aws:s3:::b/*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::333333333333:role/deploy' } },
      },
      { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::333333333333:root' }, Action: '*', Resource: '*' },
    ],
  };
  const write = {
    principal: { service: 'cloudtrail.amazonaws.com' },
    action: 's3:PutObject',
    resource: 'arn:aws:s3:::b/AWSLogs/111111111111/x.json.gz',
    context: { 'aws:SecureTransport': true, 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111111111111:trail/t' },
  } as const;

  test('allow needs principal, action, resource and every condition', () => {
    expect(isAllowed(policy, write)).toBe(true);
    expect(isAllowed(policy, { ...write, principal: { service: 'config.amazonaws.com' } })).toBe(false);
    expect(isAllowed(policy, { ...write, resource: 'arn:aws:s3:::b/other/x' })).toBe(false);
    expect(isAllowed(policy, { ...write, context: { 'aws:SecureTransport': true } })).toBe(false);
    expect(matchingStatements(policy, write)).toEqual(['Write']);
  });

  test('explicit deny wins; a missing key fails positive operators and satisfies negated ones', () => {
    expect(evaluate(policy, { ...write, context: { ...write.context, 'aws:SecureTransport': false } })).toBe('ExplicitDeny');
    const del = { action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:SecureTransport': true } };
    expect(evaluate(policy, { ...del, principal: { arn: 'arn:aws:iam::333333333333:role/admin' } })).toBe('ExplicitDeny');
    expect(evaluate(policy, { ...del, principal: { arn: 'arn:aws:iam::333333333333:role/deploy' } })).toBe('Allow');
    expect(evaluate(policy, { ...del, principal: { service: 'cloudtrail.amazonaws.com' } })).toBe('ExplicitDeny');
  });

  test('account root principals cover the account; wildcards in actions', () => {
    const read = { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:SecureTransport': true } };
    expect(isAllowed(policy, { ...read, principal: { arn: 'arn:aws:iam::222222222222:role/reader' } })).toBe(true);
    expect(isAllowed(policy, { ...read, principal: { arn: 'arn:aws:iam::999999999999:role/reader' } })).toBe(false);
    expect(isAllowed(policy, { ...read, principal: 'anonymous' })).toBe(false);
  });

  test('StringLike, IfExists, Null and Numeric operators', () => {
    const p: Policy = {
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:1:trail/*' } } },
        { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
        { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEqualsIfExists: { 'x:y': 'bad' }, Null: { 'x:z': 'false' } } },
      ],
    };
    const req = (context: Record<string, string | number>) => ({ principal: { service: 's' }, action: 'kms:Decrypt', context });
    expect(isAllowed(p, req({ 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:eu-west-1:1:trail/t' }))).toBe(true);
    expect(isAllowed(p, req({}))).toBe(false);
    expect(isAllowed(p, req({ 'kms:encryptioncontext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:eu-west-1:1:trail/t', 's3:TlsVersion': 1.0 }))).toBe(false);
    expect(isAllowed(p, req({ 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:eu-west-1:1:trail/t', 'x:z': 'present' }))).toBe(false);
  });

  test('a web identity matches only its Federated provider, with its claims as condition keys', () => {
    const provider = 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com';
    const trust: Policy = {
      Statement: [{
        Effect: 'Allow',
        Principal: { Federated: provider },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } },
      }],
    };
    const req = { action: 'sts:AssumeRoleWithWebIdentity', context: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } };
    expect(isAllowed(trust, { ...req, principal: { federated: provider } })).toBe(true);
    expect(isAllowed(trust, { ...req, principal: { federated: provider.replace('111111111111', '999999999999') } })).toBe(false);
    expect(isAllowed(trust, { ...req, principal: { arn: 'arn:aws:iam::111111111111:root' } })).toBe(false);
    expect(isAllowed(policy, { ...req, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', principal: { federated: provider } })).toBe(false);
  });

  test('wildcardGrants finds world-wide service grants but not denies', () => {
    expect(wildcardGrants(policy, 's3')).toEqual([]);
    const open: Policy = { Statement: [...(policy.Statement as any[]), { Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:*', Resource: '*' }] };
    expect(wildcardGrants(open, 's3')).toHaveLength(1);
  });
});
