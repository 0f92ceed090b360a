import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { DetectiveClient } from '@aws-sdk/client-detective';
import { FMSClient } from '@aws-sdk/client-fms';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { Inspector2Client } from '@aws-sdk/client-inspector2';
import { Macie2Client } from '@aws-sdk/client-macie2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { VERIFY_CALLS, type VerifyAccount } from './calls';

/** The IAM service prefix names the client (calls.ts is keyed the same way). */
export interface ClientOf {
  sts: STSClient;
  organizations: OrganizationsClient;
  cloudtrail: CloudTrailClient;
  guardduty: GuardDutyClient;
  securityhub: SecurityHubClient;
  inspector2: Inspector2Client;
  detective: DetectiveClient;
  macie2: Macie2Client;
  config: ConfigServiceClient;
  fms: FMSClient;
  'access-analyzer': AccessAnalyzerClient;
}
export type Service = keyof ClientOf;

const CLIENT_CLASS: { [S in Service]: new (config: any) => ClientOf[S] } = {
  sts: STSClient,
  organizations: OrganizationsClient,
  cloudtrail: CloudTrailClient,
  guardduty: GuardDutyClient,
  securityhub: SecurityHubClient,
  inspector2: Inspector2Client,
  detective: DetectiveClient,
  macie2: Macie2Client,
  config: ConfigServiceClient,
  fms: FMSClient,
  'access-analyzer': AccessAnalyzerClient,
};

export interface ClientMeta {
  service: Service;
  /** ambient: the STS client that reads the ambient identity and assumes the verify roles. */
  account: VerifyAccount | 'ambient';
  region: string;
}

export type Configure = (client: ClientOf[Service], meta: ClientMeta) => void;

export interface ClientOptions {
  /** Credentials of each account; undefined: the SDK's default chain (ambient credentials). */
  credentials?: (account: VerifyAccount) => AwsCredentialIdentityProvider | undefined;
  /** The ambient credentials; undefined: the SDK's default chain (tests pass static fake keys). */
  ambient?: AwsCredentialIdentityProvider;
  /** SDK attempts per call (first try included); throttling and transient errors are retried up to it. */
  maxAttempts?: number;
  /** Bounds the HTTP requests in flight across every client (see Clients). */
  pool?: Pool;
  /** Called once per new client: tests and the benchmark add a middleware here (a simulated AWS). */
  configure?: Configure;
}

/**
 * One SDK client per (service, account, region), created on first use. Adaptive retry: the SDK retries
 * throttling with backoff and slows its own request rate (client-side rate limiter) after a throttle,
 * per client (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 *
 * The pool bounds requests on the wire, below the retry middleware: a client waiting out its backoff or
 * its rate limiter holds no slot, so one throttled API does not stall the others (a pool around `send`
 * did: at 1,000 accounts x 17 regions with 5% throttling the run took 263 s instead of well under a minute).
 */
export class Clients {
  private readonly cache = new Map<string, ClientOf[Service]>();

  constructor(private readonly options: ClientOptions = {}) {}

  get<S extends Service>(service: S, account: VerifyAccount | 'ambient', region: string, explicit?: AwsCredentialIdentityProvider): ClientOf[S] {
    const k = `${service}/${account}/${region}${explicit ? '/explicit' : ''}`;
    let client = this.cache.get(k) as ClientOf[S] | undefined;
    if (!client) {
      const credentials = explicit ?? (account === 'ambient' ? undefined : this.options.credentials?.(account)) ?? this.options.ambient;
      client = new CLIENT_CLASS[service]({
        region,
        retryMode: 'adaptive',
        maxAttempts: this.options.maxAttempts ?? 8,
        ...(credentials ? { credentials } : {}),
      });
      const pool = this.options.pool;
      if (pool) {
        // Same step and priority as a simulated AWS added by `configure` next: added first, so it wraps it.
        (client.middlewareStack as { add: (mw: unknown, options: unknown) => void }).add(
          (next: (args: unknown) => Promise<unknown>) => (args: unknown) => pool.run(() => next(args)),
          { step: 'deserialize', priority: 'high', name: 'orgGuardPool' },
        );
      }
      this.options.configure?.(client, { service, account, region });
      this.cache.set(k, client);
    }
    return client;
  }

  destroy(): void {
    for (const c of this.cache.values()) c.destroy();
    this.cache.clear();
  }
}

/** At most `size` calls in flight at once, across every service and region. */
export class Pool {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** Why a call gave no answer; its cells read `unknown` with this reason. */
export interface CallFailure {
  /** `service:Action`, the IAM action of the call. */
  action: string;
  account: VerifyAccount;
  region: string;
  /** AWS's error code (the SDK error name), e.g. AccessDeniedException. */
  code: string;
  message: string;
  kind: 'access-denied' | 'region-not-enabled' | 'service-not-enabled' | 'throttled' | 'error';
}

/**
 * The reason an `unknown` cell gives. Without the region by default: the cell's position names it, and
 * the same failure in every region then reads as one line.
 */
export function describeFailure(f: CallFailure, withRegion = false): string {
  const where = `${f.action} (${f.account} account${withRegion ? `, ${f.region}` : ''})`;
  switch (f.kind) {
    case 'access-denied':
      return `${f.code} on ${where}: the verify role needs ${f.action}`;
    case 'region-not-enabled':
      return `${f.code} on ${where}: the region is not enabled for the account (opt-in region) or the credentials are not valid there`;
    case 'service-not-enabled':
      return `${f.code} on ${where}: ${f.message} (the service or its delegated administration is not set up there)`;
    case 'throttled':
      return `${f.code} on ${where}: still throttled after every retry`;
    default:
      return `${f.code} on ${where}: ${f.message}`;
  }
}

/** Credentials are missing or expired: every call would fail the same way, so verify stops (exit 2). */
export class FatalError extends Error {}

const FATAL = new Set(['CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);
const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'AuthorizationErrorException', 'UnauthorizedOperation', 'UnauthorizedException']);
// An opt-in region that is not enabled rejects the signature as if the key did not exist
// (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html).
const REGION = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'AuthFailure', 'InvalidSignatureException']);
const THROTTLED = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'LimitExceededException']);
const NOT_ENABLED_MESSAGE = /not (subscribed|enabled)|isn't enabled|is not enabled|must enable|not a (member|delegated|administrator)/i;

export function classify(e: unknown, action: string, account: VerifyAccount, region: string): CallFailure {
  const err = e as { name?: string; Code?: string; message?: string };
  const code = err?.name && err.name !== 'Error' ? err.name : err?.Code ?? 'Error';
  const message = String(err?.message ?? e).split('\n')[0];
  if (FATAL.has(code)) throw new FatalError(`${code}: ${message}`);
  const kind: CallFailure['kind'] = REGION.has(code)
    ? 'region-not-enabled'
    : NOT_ENABLED_MESSAGE.test(message) || code === 'InvalidAccessException' || code === 'NoSuchConfigurationAggregatorException'
      ? 'service-not-enabled'
      : DENIED.has(code)
        ? 'access-denied'
        : THROTTLED.has(code)
          ? 'throttled'
          : 'error';
  return { action, account, region, code, message, kind };
}

export type Result<T> = { ok: true; value: T } | { ok: false; failure: CallFailure };

/** Calls, retries and failures of a run, per service (the benchmark and the JSON output print them). */
export class Stats {
  readonly calls = new Map<string, number>();
  retries = 0;
  readonly failures: CallFailure[] = [];

  total(): number {
    let n = 0;
    for (const v of this.calls.values()) n += v;
    return n;
  }
}

const KNOWN = new Set(VERIFY_CALLS.map((c) => `${c.service}:${c.action}`));

/**
 * Sends one call. Errors become a CallFailure (the caller marks the cells it feeds `unknown`); missing or
 * expired credentials throw FatalError.
 */
export class Caller {
  readonly stats = new Stats();

  constructor(
    readonly clients: Clients,
    private readonly onCall: () => void = () => undefined,
  ) {}

  async call<S extends Service, O>(
    service: S,
    action: string,
    account: VerifyAccount,
    region: string,
    command: { input: unknown },
  ): Promise<Result<O>> {
    const iam = `${service}:${action}`;
    // Every call verify makes must be in VERIFY_CALLS, the list the read-only role is built from.
    if (!KNOWN.has(iam)) throw new Error(`internal: ${iam} is not in tools/verify/calls.ts VERIFY_CALLS`);
    const client = this.clients.get(service, account, region);
    this.stats.calls.set(service, (this.stats.calls.get(service) ?? 0) + 1);
    try {
      const out = await (client as unknown as { send: (c: unknown) => Promise<O> }).send(command);
      this.stats.retries += Math.max(0, ((out as { $metadata?: { attempts?: number } })?.$metadata?.attempts ?? 1) - 1);
      return { ok: true, value: out };
    } catch (e) {
      this.stats.retries += Math.max(0, ((e as { $metadata?: { attempts?: number } })?.$metadata?.attempts ?? 1) - 1);
      const failure = classify(e, iam, account, region);
      this.stats.failures.push(failure);
      return { ok: false, failure };
    } finally {
      this.onCall();
    }
  }
}

/**
 * Every page of a paginated listing. A failed page fails the whole listing: a partial list would turn
 * the accounts on later pages into false `missing` cells.
 */
export async function allPages<T>(page: (token: string | undefined) => Promise<Result<{ items: T[]; next?: string }>>): Promise<Result<T[]>> {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const r = await page(token);
    if (!r.ok) return r;
    items.push(...r.value.items);
    token = r.value.next || undefined;
    if (!token) return { ok: true, value: items };
    if (seen.has(token)) throw new Error('internal: a listing returned the same NextToken twice');
    seen.add(token);
  }
}
