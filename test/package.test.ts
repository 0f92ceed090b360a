import { readFileSync } from 'node:fs';
import * as path from 'node:path';

// package.json's allowScripts (npm 11: dependency install scripts not listed there are reported by every
// `npm ci`, and a later npm blocks them) approves exactly the dependencies that have install scripts.
const ROOT = path.join(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));

test('allowScripts approves exactly the locked packages that have install scripts: @cdktf/node-pty-prebuilt-multiarch', () => {
  const withScripts = Object.entries<{ hasInstallScript?: boolean }>(lock.packages)
    .filter(([, entry]) => entry.hasInstallScript)
    .map(([where]) => where.replace(/^.*node_modules\//, ''));
  expect(withScripts).toEqual(['@cdktf/node-pty-prebuilt-multiarch']);
  // by name: the lockfile has no "resolved" URLs, so npm cannot match a pinned name@version entry
  expect(pkg.allowScripts).toEqual({ '@cdktf/node-pty-prebuilt-multiarch': true });
});
