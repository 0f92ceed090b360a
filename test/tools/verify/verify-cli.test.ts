import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FULL, synthesize } from './verify-helpers';

const repo = path.resolve(__dirname, '../../..');

test('npm run verify without any AWS credentials: one line naming what is missing, exit 2, no report', () => {
  const { outdir } = synthesize();
  const work = mkdtempSync(path.join(tmpdir(), 'org-guard-verify-cli-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_CONFIG_FILE: path.join(work, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  // Everything the SDK's default chain could find credentials in.
  for (const k of Object.keys(env)) {
    if (/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|DEFAULT_PROFILE|ROLE_ARN|WEB_IDENTITY_TOKEN_FILE|CONTAINER_.*|SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED)$/.test(k)) delete env[k];
  }
  delete env.INIT_CWD;
  const r = spawnSync('npm', ['run', '-s', 'verify', '--', '--config', FULL, '--out', outdir, '--report-dir', path.join(work, 'reports')], {
    cwd: repo, env, encoding: 'utf8', timeout: 120_000,
  });
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toEqual([
    'verify: no AWS credentials found (environment, shared config/credentials files, SSO, web identity or instance role): sign in (e.g. aws sso login, or export AWS_PROFILE) and run verify again',
  ]);
  expect(r.status).toBe(2);
  expect(existsSync(path.join(work, 'reports'))).toBe(false);
}, 180_000);
