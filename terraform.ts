import { spawnSync } from 'node:child_process';

/**
 * Terraform 1.10 is the first release whose S3 backend locks state with a lock object (`use_lockfile`,
 * which `backend: s3` writes; https://developer.hashicorp.com/terraform/language/v1.10.x/upgrade-guides
 * "S3 Native State Locking", generally available in 1.11). cdktf itself needs 1.5 for `import` blocks.
 */
export const TERRAFORM_MINIMUM = '1.10.0';
export const TERRAFORM_INSTALL_URL = 'https://developer.hashicorp.com/terraform/install';
/** Set by the npm scripts after they checked, so the app the cdktf CLI runs does not ask again. */
export const TERRAFORM_VERSION_ENV = 'ORG_GUARD_TERRAFORM_VERSION';

export class TerraformVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TerraformVersionError';
  }
}

const NEED = `org-guard needs Terraform >= ${TERRAFORM_MINIMUM.replace(/\.0$/, '')} (the S3 state backend's use_lockfile; synth validates the stacks' import blocks with it)`;

/** The Terraform CLI on PATH (or TERRAFORM_BINARY_NAME, as cdktf uses it), checked once; returns its version. */
export function requireTerraform(env: NodeJS.ProcessEnv = process.env): string {
  const known = env[TERRAFORM_VERSION_ENV];
  if (known && atLeast(known, TERRAFORM_MINIMUM)) return known;
  const binary = env.TERRAFORM_BINARY_NAME || 'terraform';
  // No update check over the network (Terraform's own checkpoint call).
  const run = spawnSync(binary, ['version', '-json'], { encoding: 'utf8', env: { ...env, CHECKPOINT_DISABLE: '1' }, timeout: 60_000 });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `no "${binary}" on PATH` : `"${binary} version" could not run (${code ?? run.error.message})`;
    throw new TerraformVersionError(`Terraform not found: ${why}. ${NEED}; install it from ${TERRAFORM_INSTALL_URL}`);
  }
  const version = versionIn(run.stdout ?? '');
  if (!version) {
    const said = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n')[0] || `exit ${run.status}`;
    throw new TerraformVersionError(`cannot tell the Terraform version: "${binary} version -json" printed "${said}". ${NEED}; install it from ${TERRAFORM_INSTALL_URL}`);
  }
  if (!atLeast(version, TERRAFORM_MINIMUM)) {
    throw new TerraformVersionError(`Terraform ${version} found ("${binary}" on PATH) is too old: ${NEED}; install a newer one from ${TERRAFORM_INSTALL_URL}`);
  }
  return version;
}

/** `terraform version -json` gives {"terraform_version": ...}; older or wrapped binaries print `Terraform v1.7.0`. */
function versionIn(output: string): string | undefined {
  try {
    const v = (JSON.parse(output) as { terraform_version?: unknown }).terraform_version;
    if (typeof v === 'string') return v;
  } catch {
    // not JSON: fall through to the text form
  }
  return /Terraform v?(\d+\.\d+\.\d+\S*)/.exec(output)?.[1];
}

export function atLeast(version: string, minimum: string): boolean {
  const parse = (v: string) => v.replace(/^v/, '').split(/[.-]/).slice(0, 3).map((n) => Number.parseInt(n, 10) || 0);
  const [a, b] = [parse(version), parse(minimum)];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  // 1.10.0-beta1 is older than 1.10.0
  return !/-/.test(version.replace(/^v/, ''));
}
