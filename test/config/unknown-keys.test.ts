import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from '../../config/load';
import { closestKey, editDistance } from '../../config/zod-helpers';
import { minimalInput } from '../helpers';
import { problemsFor, problemsOf } from './section-problems';

// Issue 19 item 5: an unknown key that misspells an allowed one says which; a misspelt required key is one problem.

/** The line of the first line of text that contains `needle` (1-based). */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('unknown keys: did you mean', () => {
  test('homeRegoin in the bundled example: exactly one problem, printed as npm run synth prints a config error', () => {
    const text = readFileSync(path.resolve('config/organization.yaml'), 'utf8').replace(/^  homeRegion:/m, '  homeRegoin:');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-typo-')), 'org.yaml');
    writeFileSync(file, text);
    let error: unknown;
    try {
      loadConfig(file, 'org.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    // tools/cdktf.ts prints a ConfigError's message as it is
    expect((error as ConfigError).message).toBe(
      'org.yaml: 1 problem in the organization config:\n' +
        `  org.yaml:${lineOf(text, 'homeRegoin')}  organization: unknown key "homeRegoin"; did you mean "homeRegion"? (homeRegion is required)`,
    );
  });

  test('a case-only typo of a required key is one problem too', () => {
    const problems = problemsFor((i) => {
      i.organization.HomeRegion = i.organization.homeRegion;
      delete i.organization.homeRegion;
    });
    expect(problems).toEqual([expect.objectContaining({ path: 'organization', message: 'unknown key "HomeRegion"; did you mean "homeRegion"? (homeRegion is required)' })]);
  });

  test('in a discriminated union option (backend type s3) as in any other object', () => {
    const problems = problemsFor((i) => (i.backend = { type: 's3', bukcet: 'my-state-bucket', region: 'us-east-1' }));
    expect(problems).toEqual([expect.objectContaining({ path: 'backend', message: 'unknown key "bukcet"; did you mean "bucket"? (bucket is required)' })]);
  });

  test('a typo of an optional key in a nested section suggests it, at the line of the key', () => {
    const input = minimalInput();
    input.baseline = { passwordPolicy: { minimumLenght: 16 } };
    const text = stringify(input);
    expect(problemsOf(text)).toEqual([{ path: 'baseline.passwordPolicy', line: lineOf(text, 'minimumLenght'), message: 'unknown key "minimumLenght"; did you mean "minimumLength"?' }]);
  });

  test('a far-off key lists the allowed keys, and a required key it does not resemble is still missing on its own', () => {
    const problems = problemsFor((i) => {
      i.organization.colour = i.organization.homeRegion;
      delete i.organization.homeRegion;
    });
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ['organization.homeRegion', 'required but missing'],
      ['organization', 'unknown key "colour"; allowed keys: id, rootId, homeRegion, regions, organizationalUnits, trustedServicesInUse, policyTypesInUse, delegatedAdminsInUse'],
    ]);
  });

  test('several unknown keys in one mapping: one problem each, at its own line', () => {
    const input = minimalInput();
    input.accounts.members[0] = { ...input.accounts.members[0], emial: 'a@example.com', colour: 'blue' };
    const text = stringify(input);
    expect(problemsOf(text)).toEqual([
      { path: 'accounts.members[0]', line: lineOf(text, 'emial'), message: 'unknown key "emial"; did you mean "email"?' },
      { path: 'accounts.members[0]', line: lineOf(text, 'colour'), message: expect.stringMatching(/^unknown key "colour"; allowed keys: name, id, email, ou\b/) },
    ]);
  });
});

describe('closestKey', () => {
  test('swaps, case and one edit per three letters of the shorter name', () => {
    expect(editDistance('homeregoin', 'homeregion')).toBe(1); // adjacent swap
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closestKey('guardduty', ['guardDuty', 'securityHub'])).toBe('guardDuty');
    expect(closestKey('kmsKey', ['keyPrefix', 'kmsKeyId'])).toBe('kmsKeyId'); // 2 edits, 6 letters
    expect(closestKey('ou', ['id', 'name'])).toBeUndefined(); // 2 edits, 2 letters
    expect(closestKey('wafv2', ['enabled', 'scope', 'waf'])).toBeUndefined(); // 2 edits, 3 letters
    expect(closestKey('region', ['regions', 'region2'])).toBe('regions'); // a tie: the first
  });
});
