/**
 * Reading Terraform's JSON plan format (`terraform show -json <planfile>`), strictly: anything that
 * is not a complete, successful plan is an error, never an empty (passing) review.
 */

/** What a resource change does, after folding Terraform's action lists. */
export type ChangeKind = 'create' | 'update' | 'replace' | 'delete' | 'forget' | 'read' | 'no-op';

export interface ResourceChange {
  address: string;
  type: string;
  mode: 'managed' | 'data';
  kind: ChangeKind;
  /** Terraform's raw action list, e.g. ["create","delete"] for create-before-destroy. */
  actions: string[];
  /** Terraform's explanation, e.g. replace_because_cannot_update, delete_because_no_resource_config. */
  actionReason?: string;
  /** Set when a deposed object (left by an interrupted replacement) is the one changing. */
  deposed?: string;
  previousAddress?: string;
  importing: boolean;
  before: Record<string, unknown> | null;
  /** The planned object (`change.after`); null for a deletion. Unknown values are absent or null here. */
  after: Record<string, unknown> | null;
  /** Mirror of `after` marking values known only after apply (`change.after_unknown`). */
  afterUnknown: Record<string, unknown>;
  /** Attribute paths that force the replacement (`change.replace_paths`), e.g. [["triggers_replace"]]. */
  replacePaths: (string | number)[][];
}

/** A change Terraform noticed outside of it since the last apply (`resource_drift`). */
export interface Drift {
  address: string;
  actions: string[];
  /** Top-level attributes whose value differs between the last-applied and the refreshed object. */
  changedAttributes: string[];
}

export interface Plan {
  formatVersion: string;
  terraformVersion?: string;
  changes: ResourceChange[];
  /** Resources whose real state differs from the last-applied state (`resource_drift`). */
  drift: Drift[];
  /** False when Terraform planned only part of the configuration (deferred changes, -target). */
  complete: boolean;
}

export class PlanInputError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'PlanInputError';
  }
}

const KNOWN_ACTIONS = new Set(['no-op', 'create', 'read', 'update', 'delete', 'forget']);

/** Folds an action list into one kind; `undefined` for a combination Terraform does not produce. */
export function classifyActions(actions: readonly string[]): ChangeKind | undefined {
  const key = actions.join(',');
  switch (key) {
    case 'no-op':
    case 'create':
    case 'read':
    case 'update':
    case 'delete':
    case 'forget':
      return key;
    case 'delete,create': // destroy, then create
    case 'create,delete': // create_before_destroy
      return 'replace';
    case 'create,forget': // Terraform 1.10+: replace while keeping the old object (removed block, destroy = false)
    case 'forget,create':
      return 'create';
    default:
      return undefined;
  }
}

export function parsePlan(text: string, file: string): Plan {
  if (text.trim() === '') throw new PlanInputError(file, 'the file is empty; expected the output of `terraform show -json <planfile>`');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new PlanInputError(file, `not valid JSON (truncated or not a plan?): ${(e as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PlanInputError(file, 'expected a JSON object from `terraform show -json <planfile>`');
  }
  const doc = raw as Record<string, unknown>;
  if (typeof doc.format_version !== 'string') {
    throw new PlanInputError(file, 'missing "format_version": not a Terraform JSON plan (expected the output of `terraform show -json <planfile>`)');
  }
  if (!/^1\./.test(doc.format_version)) {
    throw new PlanInputError(file, `unsupported plan format_version "${doc.format_version}"; this tool reads format 1.x`);
  }
  if (doc.errored === true) {
    throw new PlanInputError(file, 'the plan is marked "errored": Terraform failed while planning, so it says nothing reliable about the changes');
  }
  if (!Array.isArray(doc.resource_changes)) {
    const hint = 'values' in doc && !('planned_values' in doc)
      ? ' (this looks like state: run `terraform show -json` on the saved plan file, not on the state)'
      : '';
    throw new PlanInputError(file, `missing "resource_changes" array${hint}`);
  }
  const changes = doc.resource_changes.map((rc, i) => parseChange(rc, i, file));
  const drift = Array.isArray(doc.resource_drift)
    ? doc.resource_drift.map((rc, i) => {
        const c = parseChange(rc, i, file, 'resource_drift');
        return { address: c.address, actions: c.actions, changedAttributes: changedAttributes(c.before, c.after) };
      })
    : [];
  return {
    formatVersion: doc.format_version,
    terraformVersion: typeof doc.terraform_version === 'string' ? doc.terraform_version : undefined,
    changes,
    drift,
    complete: doc.complete !== false,
  };
}

function parseChange(value: unknown, index: number, file: string, list = 'resource_changes'): ResourceChange {
  const where = `${list}[${index}]`;
  if (value === null || typeof value !== 'object') throw new PlanInputError(file, `${where} is not an object`);
  const rc = value as Record<string, any>;
  if (typeof rc.address !== 'string' || rc.address === '') throw new PlanInputError(file, `${where} has no "address"`);
  const change = rc.change;
  if (change === null || typeof change !== 'object' || !Array.isArray(change.actions) || change.actions.length === 0) {
    throw new PlanInputError(file, `${where} (${rc.address}) has no "change.actions"`);
  }
  const actions: string[] = change.actions.map(String);
  const unknown = actions.filter((a) => !KNOWN_ACTIONS.has(a));
  const kind = classifyActions(actions);
  if (unknown.length > 0 || !kind) {
    // Fail closed: an action we do not understand could be destructive.
    throw new PlanInputError(file, `${where} (${rc.address}) has actions ${JSON.stringify(actions)} that this tool does not know; refusing to guess`);
  }
  return {
    address: rc.address,
    type: typeof rc.type === 'string' ? rc.type : typeFromAddress(rc.address),
    mode: rc.mode === 'data' ? 'data' : 'managed',
    kind,
    actions,
    actionReason: typeof rc.action_reason === 'string' ? rc.action_reason : undefined,
    deposed: typeof rc.deposed === 'string' ? rc.deposed : undefined,
    previousAddress: typeof rc.previous_address === 'string' ? rc.previous_address : undefined,
    importing: change.importing !== undefined && change.importing !== null,
    before: objectOrNull(change.before),
    after: objectOrNull(change.after),
    afterUnknown: objectOrNull(change.after_unknown) ?? {},
    replacePaths: Array.isArray(change.replace_paths)
      ? change.replace_paths.filter(Array.isArray).map((p: unknown[]) => p.filter((s): s is string | number => typeof s === 'string' || typeof s === 'number'))
      : [],
  };
}

function objectOrNull(v: unknown): Record<string, any> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : null;
}

/** Top-level attribute names whose values differ (either side may be null: created or deleted). */
export function changedAttributes(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string[] {
  if (!before || !after) return [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(canonical(before[k])) !== JSON.stringify(canonical(after[k]))).sort();
}

/** Key order does not make a difference; absent and null are the same to Terraform. */
function canonical(v: unknown): unknown {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** `module.a.aws_s3_bucket.b["k"]` -> `aws_s3_bucket`. */
function typeFromAddress(address: string): string {
  const parts = address.split('.');
  let i = 0;
  while (parts[i] === 'module' && i + 2 < parts.length) i += 2;
  if (parts[i] === 'data') i += 1;
  return parts[i] ?? '';
}
