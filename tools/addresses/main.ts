import '../../use-compile-cache'; // first: the modules below compile from the code cache
import * as path from 'node:path';
import { tuneCdktf } from '../../synth';
import { ConfigError } from '../../config/load';
import {
  RECORDED_EXAMPLES, RECORD_DIR, compareAddresses, describeDiff, isClean, readRecord, synthesizeAddresses, writeRecord,
  type Synthesized,
} from './record';

const USAGE = `usage: npm run addresses [-- --update]

Compares the resource addresses that the bundled configs synthesize with the record in ${RECORD_DIR}/.
Without flags: exit 0 when they match, 1 when an address disappeared (without a moved block) or is new.
--update: rewrite the record; refuses (exit 1, nothing written) while a protected resource would leave
it without a moved block.`;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface AddressOptions {
  /** The project folder holding config/. */
  root?: string;
  /** Where the record lives; default `<root>/addresses`. */
  recordDir?: string;
  /** Synthesizes one config's addresses; default synthesizeAddresses (tests reuse one synth across commands). */
  synthesize?: (configFile: string) => Synthesized;
}

/** The command; returns its exit code. */
export function runAddresses(argv: string[], io: Io, options: AddressOptions = {}): number {
  const root = options.root ?? process.cwd();
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const unknown = argv.filter((a) => a !== '--update');
  if (unknown.length > 0) {
    io.stderr(`unknown argument: ${unknown.join(' ')}\n${USAGE}\n`);
    return 2;
  }
  const update = argv.includes('--update');
  const recordDir = options.recordDir ?? path.join(root, RECORD_DIR);
  const results = RECORDED_EXAMPLES.map((example) => {
    const synthesized = (options.synthesize ?? synthesizeAddresses)(path.join(root, example.file));
    return { example, synthesized, diff: compareAddresses(readRecord(recordDir, example.name), synthesized) };
  });

  const lines = results.flatMap((r) => describeDiff(r.example.name, r.diff));
  if (!update) {
    if (results.every((r) => isClean(r.diff))) {
      io.stdout(`addresses match the record (${results.map((r) => `${r.example.name}: ${count(r.synthesized)}`).join(', ')})\n`);
      return 0;
    }
    io.stderr(`resource addresses differ from ${RECORD_DIR}/:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
    return 1;
  }

  const refused = results.flatMap((r) => r.diff.removed.filter((x) => x.protected).map((x) => ({ ...x, example: r.example.name })));
  if (refused.length > 0) {
    io.stderr(
      `refusing to update ${RECORD_DIR}/: protected resources would leave the record without a moved block\n` +
        refused.map((x) => `  ${x.example}/${x.stack}: ${x.address} (${x.address.split('.')[0]}): Terraform would destroy it in every organization that upgrades; add a moved block from "${x.address}" to its new address, or restore its construct id\n`).join(''),
    );
    return 1;
  }
  if (results.every((r) => isClean(r.diff) && r.diff.moved.length === 0 && r.diff.forgotten.length === 0)) {
    io.stdout(`the record is up to date (${results.map((r) => `${r.example.name}: ${count(r.synthesized)}`).join(', ')})\n`);
    return 0;
  }
  for (const r of results) writeRecord(recordDir, r.example.name, r.synthesized);
  // Removals and moves are what a reviewer must see; additions are just counted.
  const changes = results.flatMap((r) => describeDiff(r.example.name, { ...r.diff, added: [] }));
  const added = results.reduce((n, r) => n + r.diff.added.length, 0);
  io.stdout(
    changes.map((l) => `${l}\n`).join('') +
      `record updated: ${results.map((r) => `${r.example.name}: ${count(r.synthesized)}`).join(', ')}` +
      `${added > 0 ? `; ${added} new address${added === 1 ? '' : 'es'} recorded` : ''}\n`,
  );
  return 0;
}

function count(s: Map<string, { addresses: string[] }>): string {
  const n = [...s.values()].reduce((sum, x) => sum + x.addresses.length, 0);
  return `${s.size} stacks, ${n} addresses`;
}

if (require.main === module) {
  tuneCdktf();
  try {
    process.exitCode = runAddresses(process.argv.slice(2), {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
    });
  } catch (e) {
    // one line, never a stack trace (ORG_GUARD_DEBUG=1 adds it)
    console.error(e instanceof ConfigError ? e.message : `addresses: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.ORG_GUARD_DEBUG === '1' && e instanceof Error && !(e instanceof ConfigError)) console.error(e.stack);
    process.exitCode = 2;
  }
}
