import { computeCoverage, type Coverage } from '../../tools/report/coverage';
import type { Cell } from '../../tools/report/model';
import { configOf, synthOrg } from '../helpers';

/** Coverage of a config object, synthesized as the loader and synth would. */
export function coverageOf(input: Record<string, any>): Coverage {
  const config = configOf(input);
  return computeCoverage(config, synthOrg(config));
}

/** The cell of one control for one account (stack name) in one region. */
export function cell(cov: Coverage, control: string, account: string, region: string): Cell {
  const c = cov.controls.findIndex((x) => x.id === control);
  const a = cov.accounts.findIndex((x) => x.name === account);
  const r = cov.regions.indexOf(region);
  if (c < 0 || a < 0 || r < 0) throw new Error(`no cell ${control} / ${account} / ${region}`);
  return cov.cells[c][a][r];
}
