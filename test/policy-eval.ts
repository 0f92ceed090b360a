/**
 * A small IAM policy evaluator for tests: enough of AWS's logic to ask a synthesized bucket, key or
 * SCP policy "is this request allowed?" as data. Explicit Deny wins, then any Allow, else implicit deny.
 *
 * Supported: Principal / NotPrincipal ("*", AWS account ids, account roots, ARNs, Service, Federated), Action /
 * NotAction and Resource / NotResource with * and ? wildcards, and the condition operators
 * String(Not)Equals(IgnoreCase), String(Not)Like, Arn(Not)Equals, Arn(Not)Like, Bool, Null,
 * Numeric*, with the IfExists suffix and ForAnyValue: / ForAllValues: prefixes.
 * Condition keys are case-insensitive; a missing key fails positive operators and satisfies negated ones.
 * SCP-style policies (no Principal) match every principal. For an IAM principal (`{ arn }`),
 * aws:PrincipalArn and aws:PrincipalAccount are derived unless the context sets them.
 */

export type ContextValue = string | boolean | number | Array<string | boolean | number>;

export interface Request {
  /**
   * e.g. { service: 'cloudtrail.amazonaws.com' }, { arn: 'arn:aws:iam::111111111111:role/x' }, 'anonymous', or a web
   * identity: { federated: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com' } (its claims go in context).
   */
  principal: { service: string } | { arn: string } | { federated: string } | 'anonymous';
  action: string;
  /** Resource ARN; default '*'. */
  resource?: string;
  context?: Record<string, ContextValue>;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface Policy {
  Version?: string;
  Statement: Statement | Statement[];
}

/** Accepts a policy object or its JSON text (as synthesized). */
export function parsePolicy(policy: Policy | string): Policy {
  return typeof policy === 'string' ? (JSON.parse(policy) as Policy) : policy;
}

export function statementsOf(policy: Policy | string): Statement[] {
  const s = parsePolicy(policy).Statement;
  return Array.isArray(s) ? s : [s];
}

export function evaluate(policy: Policy | string, request: Request): Decision {
  let allowed = false;
  for (const st of statementsOf(policy)) {
    if (!statementMatches(st, request)) continue;
    if (st.Effect === 'Deny') return 'ExplicitDeny';
    allowed = true;
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

export function isAllowed(policy: Policy | string, request: Request): boolean {
  return evaluate(policy, request) === 'Allow';
}

/** The Sids (or indexes) of the statements that apply to a request, for readable failures. */
export function matchingStatements(policy: Policy | string, request: Request): string[] {
  return statementsOf(policy).flatMap((st, i) => (statementMatches(st, request) ? [st.Sid ?? `#${i}`] : []));
}

export function statementMatches(st: Statement, request: Request): boolean {
  if (st.Principal !== undefined && !principalMatches(st.Principal, request.principal)) return false;
  if (st.NotPrincipal !== undefined && principalMatches(st.NotPrincipal, request.principal)) return false;
  if (st.Action !== undefined && !list(st.Action).some((a) => wildcardMatch(a, request.action, true))) return false;
  if (st.NotAction !== undefined && list(st.NotAction).some((a) => wildcardMatch(a, request.action, true))) return false;
  const resource = request.resource ?? '*';
  if (st.Resource !== undefined && !list(st.Resource).some((r) => wildcardMatch(r, resource, false))) return false;
  if (st.NotResource !== undefined && list(st.NotResource).some((r) => wildcardMatch(r, resource, false))) return false;
  return conditionsMatch(st.Condition ?? {}, contextOf(request));
}

/** The request context plus the keys AWS derives from an IAM principal (aws:PrincipalArn, aws:PrincipalAccount). */
function contextOf(request: Request): Record<string, ContextValue> {
  const derived: Record<string, ContextValue> = {};
  if (typeof request.principal === 'object' && 'arn' in request.principal) {
    derived['aws:PrincipalArn'] = request.principal.arn;
    derived['aws:PrincipalAccount'] = request.principal.arn.split(':')[4];
  }
  return { ...derived, ...(request.context ?? {}) };
}

/** True when a statement's principal is everyone ("*" or AWS "*"). */
export function isWildcardPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') {
    const aws = (principal as Record<string, unknown>).AWS;
    return aws !== undefined && list(aws as string | string[]).includes('*');
  }
  return false;
}

/**
 * Allow statements that let everyone (wildcard principal) call every action of a service, e.g. s3:* or kms:*
 * (also "*"), whatever their conditions: the shape a world-writable policy takes.
 */
export function wildcardGrants(policy: Policy | string, service: string): Statement[] {
  return statementsOf(policy).filter(
    (st) =>
      st.Effect === 'Allow' &&
      (isWildcardPrincipal(st.Principal) || st.NotPrincipal !== undefined) &&
      (st.NotAction !== undefined || list(st.Action ?? []).some((a) => a === '*' || a.toLowerCase() === `${service}:*`)),
  );
}

function principalMatches(principal: unknown, who: Request['principal']): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  const p = principal as Record<string, string | string[]>;
  if (who === 'anonymous') return list(p.AWS ?? []).includes('*');
  if ('service' in who) return list(p.Service ?? []).includes(who.service) || list(p.AWS ?? []).includes('*');
  // A web identity matches only the identity provider named in Federated (IAM user guide, "AWS JSON policy elements: Principal").
  if ('federated' in who) return list(p.Federated ?? []).includes(who.federated);
  const account = who.arn.split(':')[4];
  return list(p.AWS ?? []).some(
    (id) => id === '*' || id === who.arn || id === account || id === `arn:aws:iam::${account}:root`,
  );
}

type Op = (pattern: string, value: string) => boolean;

const OPERATORS: Record<string, { test: Op; negated: boolean }> = {
  StringEquals: { test: (p, v) => p === v, negated: false },
  StringNotEquals: { test: (p, v) => p === v, negated: true },
  StringEqualsIgnoreCase: { test: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { test: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: true },
  StringLike: { test: (p, v) => wildcardMatch(p, v, false), negated: false },
  StringNotLike: { test: (p, v) => wildcardMatch(p, v, false), negated: true },
  ArnEquals: { test: (p, v) => arnMatch(p, v), negated: false },
  ArnLike: { test: (p, v) => arnMatch(p, v), negated: false },
  ArnNotEquals: { test: (p, v) => arnMatch(p, v), negated: true },
  ArnNotLike: { test: (p, v) => arnMatch(p, v), negated: true },
  Bool: { test: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
  NumericEquals: { test: (p, v) => Number(v) === Number(p), negated: false },
  NumericNotEquals: { test: (p, v) => Number(v) === Number(p), negated: true },
  NumericLessThan: { test: (p, v) => Number(v) < Number(p), negated: false },
  NumericLessThanEquals: { test: (p, v) => Number(v) <= Number(p), negated: false },
  NumericGreaterThan: { test: (p, v) => Number(v) > Number(p), negated: false },
  NumericGreaterThanEquals: { test: (p, v) => Number(v) >= Number(p), negated: false },
};

function conditionsMatch(conditions: Record<string, Record<string, unknown>>, context: Record<string, ContextValue>): boolean {
  const ctx = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.entries(conditions).every(([rawOp, block]) =>
    Object.entries(block).every(([key, expected]) => conditionMatches(rawOp, key, expected, ctx)),
  );
}

function conditionMatches(rawOp: string, key: string, expected: unknown, ctx: Map<string, ContextValue>): boolean {
  let op = rawOp;
  let setMode: 'any' | 'all' | undefined;
  if (op.startsWith('ForAnyValue:')) [setMode, op] = ['any', op.slice('ForAnyValue:'.length)];
  else if (op.startsWith('ForAllValues:')) [setMode, op] = ['all', op.slice('ForAllValues:'.length)];
  const ifExists = op.endsWith('IfExists');
  if (ifExists) op = op.slice(0, -'IfExists'.length);
  const patterns = list(expected as string | string[]).map(String);
  const actual = ctx.get(key.toLowerCase());

  if (op === 'Null') {
    const wantsAbsent = patterns.some((p) => p.toLowerCase() === 'true');
    return wantsAbsent === (actual === undefined);
  }
  const spec = OPERATORS[op];
  if (!spec) throw new Error(`policy-eval: unsupported condition operator ${rawOp}`);
  if (actual === undefined) {
    if (ifExists || setMode === 'all') return true;
    return spec.negated && setMode !== 'any';
  }
  const values = (Array.isArray(actual) ? actual : [actual]).map(String);
  // A negated operator is true when no value matches any pattern.
  const matchesOne = (v: string) => patterns.some((p) => spec.test(p, v));
  if (setMode === 'all') return values.every((v) => (spec.negated ? !matchesOne(v) : matchesOne(v)));
  if (spec.negated) return !values.some(matchesOne);
  return values.some(matchesOne);
}

function arnMatch(pattern: string, arn: string): boolean {
  const p = pattern.split(':');
  const a = arn.split(':');
  if (p.length < 6 || a.length < 6) return wildcardMatch(pattern, arn, false);
  // The resource part may itself contain colons.
  const head = (x: string[]) => [...x.slice(0, 5), x.slice(5).join(':')];
  const [hp, ha] = [head(p), head(a)];
  return hp.every((seg, i) => wildcardMatch(seg, ha[i], false));
}

export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, ignoreCase ? 'i' : '').test(value);
}

function list<T>(v: T | T[]): T[] {
  return Array.isArray(v) ? v : [v];
}
