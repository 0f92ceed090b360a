import { stringify } from 'yaml';
import { ConfigError, parseConfig } from '../../config/load';
import { minimalInput } from '../helpers';

export interface Problem {
  path: string;
  line?: number;
  message: string;
}

/** The problems the loader reports for config text (throws if it is valid). */
export function problemsOf(text: string): Problem[] {
  try {
    parseConfig(text, 'org.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

/** The problems the loader reports for the minimal config changed by `mutate` (throws if it is valid). */
export function problemsFor(mutate: (input: Record<string, any>) => void): Problem[] {
  const input = minimalInput();
  mutate(input);
  return problemsOf(stringify(input));
}

export function expectProblem(problems: Problem[], path: string, message: RegExp): void {
  expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })]));
}
