import type { OrgConfig } from '../../config/schema';

/** Terraform JSON of one synthesized stack (`cdktf.out/stacks/<name>/cdk.tf.json`). */
export interface StackJson {
  provider?: Record<string, any[]>;
  resource?: Record<string, Record<string, any>>;
  [key: string]: unknown;
}

/** A resource as deployed: which account's API creates it and in which region. */
export interface SynthResource {
  stack: string;
  type: string;
  /** Terraform name in the stack (`aws_x.<name>`). */
  name: string;
  body: Record<string, any>;
  /** Account of the provider that creates it (an aliased provider may act in another account). */
  account: string;
  region: string;
}

export type AccountRole = 'management' | 'security' | 'log-archive' | 'member';

export interface Account {
  /** Stack name. */
  name: string;
  id: string;
  role: AccountRole;
  /** OU id, when the config places the account in one. */
  ouId?: string;
}

/** `na`: a control org-guard does not provide; nothing in the config can turn it on, so it is no gap to fix. */
export type Status = 'covered' | 'partial' | 'missing' | 'na';

export interface Cell {
  status: Status;
  /** How the account is covered (org auto-enable, its own resource, ...) or what is lacking. */
  how: string;
}

export const covered = (how: string): Cell => ({ status: 'covered', how });
export const partial = (how: string): Cell => ({ status: 'partial', how });
export const missing = (how = 'not configured'): Cell => ({ status: 'missing', how });
export const notProvided = (how = 'not provided by org-guard'): Cell => ({ status: 'na', how });

/** Everything a control rule may look at, indexed once. */
export class CoverageContext {
  readonly accounts: Account[];
  readonly regions: readonly string[];
  readonly homeRegion: string;
  private readonly byType = new Map<string, SynthResource[]>();

  constructor(
    readonly config: OrgConfig,
    readonly stacks: Readonly<Record<string, StackJson>>,
  ) {
    this.accounts = accountsOf(config);
    this.regions = config.organization.regions;
    this.homeRegion = config.organization.homeRegion;
    const stackAccount = new Map(this.accounts.map((a) => [a.name, a.id]));
    for (const [stack, json] of Object.entries(stacks)) {
      const providers = providerIndex(json, stackAccount.get(stack), this.homeRegion);
      for (const [type, byName] of Object.entries(json.resource ?? {})) {
        for (const [name, body] of Object.entries(byName ?? {})) {
          const p = providers.get(typeof body.provider === 'string' ? body.provider : 'aws') ?? providers.get('aws');
          const region = isLiteral(body.region) ? body.region : p?.region ?? this.homeRegion;
          const list = this.byType.get(type) ?? [];
          list.push({ stack, type, name, body, account: p?.account ?? stackAccount.get(stack) ?? '', region });
          this.byType.set(type, list);
        }
      }
    }
  }

  /** Every synthesized resource of a type, in any stack. */
  all(type: string): SynthResource[] {
    return this.byType.get(type) ?? [];
  }

  /** Resources of a type created by (the provider of) an account, optionally in one region. */
  own(type: string, account: Account, region?: string): SynthResource[] {
    return this.all(type).filter((r) => r.account === account.id && (region === undefined || r.region === region));
  }

  inRegion(type: string, region: string): SynthResource[] {
    return this.all(type).filter((r) => r.region === region);
  }

  /** The resource a `${type.name.attr}` reference points to, in the same stack. */
  deref(from: SynthResource, ref: unknown): SynthResource | undefined {
    if (typeof ref !== 'string') return undefined;
    const m = /^\$\{([a-z0-9_]+)\.([^.}]+)\.[^}]+\}$/.exec(ref);
    if (!m) return undefined;
    return this.all(m[1]).find((r) => r.stack === from.stack && r.name === m[2]);
  }

  accountById(id: string): Account | undefined {
    return this.accounts.find((a) => a.id === id);
  }
}

export function accountsOf(config: OrgConfig): Account[] {
  const { management, security, logArchive, members } = config.accounts;
  const ouIds = new Map(config.organization.organizationalUnits.map((u) => [u.name, u.id]));
  return [
    { name: 'management', id: management.id, role: 'management' },
    { name: 'security', id: security.id, role: 'security' },
    { name: 'log-archive', id: logArchive.id, role: 'log-archive' },
    ...members.map((m): Account => ({ name: m.name, id: m.id, role: 'member', ouId: m.ou ? ouIds.get(m.ou) : undefined })),
  ];
}

/** A value written in the config (not a `${...}` reference resolved at apply time). */
export function isLiteral(v: unknown): v is string {
  return typeof v === 'string' && !v.includes('${');
}

/** cdktf writes single nested blocks as an object, Terraform JSON also allows a one-element list. */
export function block(v: unknown): Record<string, any> | undefined {
  const b = Array.isArray(v) ? v[0] : v;
  return b && typeof b === 'object' ? (b as Record<string, any>) : undefined;
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

function providerIndex(json: StackJson, stackAccount: string | undefined, homeRegion: string) {
  const index = new Map<string, { account?: string; region: string }>();
  for (const p of json.provider?.aws ?? []) {
    const ids = list(p.allowed_account_ids).filter(isLiteral);
    index.set(p.alias ? `aws.${p.alias}` : 'aws', {
      account: ids.length === 1 ? ids[0] : p.alias ? undefined : stackAccount,
      region: isLiteral(p.region) ? p.region : homeRegion,
    });
  }
  return index;
}
