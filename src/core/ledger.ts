import { Rule, Tree, noop } from '@angular-devkit/schematics';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONVENTIONS_FILE } from './conventions';
import { formatAsCreated } from './format';
import { readJsonFile } from './json-file';

/**
 * The generation ledger (SPEC §10): `.realtime/generated.json` beside realtime.json, committed with
 * the app. It is how a run tells its own untouched output from the team's code (a hash of each file
 * as the run left it, after formatting) and what `update` merges from (the content itself: the
 * base of the three-way merge, so no older version of the package is needed to rebuild it).
 */
export const LEDGER_FILE = '.realtime/generated.json';

/** The version of this package: what every entry of the ledger is stamped with. */
export const PACKAGE_VERSION: string = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')).version;

/** A root run as the ledger keeps it: enough to run it again (`update` does, with the installed version). */
export interface LedgerRun {
  schematic: string;
  options: Record<string, unknown>;
  version: string;
}

/** A file a run created: who wrote it, and what it held when that run ended. */
export type LedgerEntry = LedgerRun & ({ hash: string; content: string } | { deleted: true });

export interface Ledger {
  files: Record<string, LedgerEntry>;
  /** Every root run that wrote a recorded file, in the order they first ran. */
  runs: LedgerRun[];
}

/** Files a run creates that are not generated code: the team's configuration and the ledger itself. */
const NOT_RECORDED = new Set([LEDGER_FILE, CONVENTIONS_FILE]);
/**
 * Schematics whose output is a document derived from the app's code (asyncapi.json, under the
 * schematic's name or its alias), rewritten whole by every run: not code the team edits, so not
 * recorded for `update` to merge.
 */
const DERIVED_DOCUMENT_SCHEMATICS = new Set(['asyncapi', 'docs']);
/** Options that say how to run, not what to write: not recorded, never replayed. */
const NOT_RECORDED_OPTIONS = new Set(['force', 'skipInstall', 'dryRun']);

export function contentHash(text: string): string {
  return `sha256-${createHash('sha256').update(text).digest('base64')}`;
}

/** The ledger of the app in `tree` (empty when the app has none; a file that does not parse is one error naming it). */
export function readLedger(tree: Tree): Ledger {
  const ledger = readJsonFile<Partial<Ledger>>(tree, `/${LEDGER_FILE}`);
  return { files: ledger?.files ?? {}, runs: ledger?.runs ?? [] };
}

/** Whether the ledger has the file, still exactly as the run that recorded it left it. */
export function isUntouched(ledger: Ledger, path: string, content: string): boolean {
  const entry = ledger.files[path.replace(/^\//, '')];
  return entry !== undefined && 'hash' in entry && entry.hash === contentHash(content);
}

/**
 * The last step of a root run, after formatting, made at its start (`tree` as the run found it):
 * every file the run created, and every recorded file it changed that was untouched when it started
 * (a gateway `ws-guard --gateway` guarded), is recorded as it is now. Edits to other files (modules,
 * `main.ts`, package.json) are wiring: not recorded. The ledger is written only when it changes.
 */
export function recordInLedger(tree: Tree, schematic: string, options: object): Rule {
  if (DERIVED_DOCUMENT_SCHEMATICS.has(schematic)) return noop();
  const before = readLedger(tree);
  const untouched = Object.keys(before.files).filter((path) => tree.exists(`/${path}`) && isUntouched(before, path, tree.readText(`/${path}`)));
  // Files with a change already pending were there before this run (a test's app built in memory).
  const pending = new Map(tree.actions.filter((action) => tree.exists(action.path)).map((action) => [action.path, tree.readText(action.path)]));
  const recordedOptions = Object.fromEntries(Object.entries(options).filter(([key, value]) => value !== undefined && !NOT_RECORDED_OPTIONS.has(key)));
  const run = { schematic, options: recordedOptions, version: PACKAGE_VERSION };
  return async (tree: Tree) => {
    const written = tree.actions
      .filter((action) => (action.kind === 'c' || action.kind === 'o') && tree.exists(action.path) && pending.get(action.path) !== tree.readText(action.path))
      .filter((action) => (action.kind === 'c' && !pending.has(action.path)) || untouched.includes(action.path.slice(1)) || 'deleted' in (before.files[action.path.slice(1)] ?? {}))
      .map((action) => action.path.slice(1))
      .filter((path) => !NOT_RECORDED.has(path));
    if (written.length === 0) return;
    const files = { ...before.files };
    for (const path of written) files[path] = { ...run, content: tree.readText(`/${path}`), hash: contentHash(tree.readText(`/${path}`)) };
    await writeLedger(tree, { files, runs: withRun(before.runs, run) });
  };
}

/** The runs with `run` in them once: a run already recorded keeps its place and takes the new version. */
export function withRun(runs: LedgerRun[], run: LedgerRun): LedgerRun[] {
  const key = (entry: LedgerRun) => serialize({ options: entry.options, schematic: entry.schematic });
  return runs.some((entry) => key(entry) === key(run)) ? runs.map((entry) => (key(entry) === key(run) ? run : entry)) : [...runs, run];
}

/**
 * Writes the ledger, keys sorted at every level (a stable diff in the team's history) and
 * Prettier-clean under the app's config like every file a run writes, only when it changed.
 */
export async function writeLedger(tree: Tree, ledger: Ledger): Promise<void> {
  const text = await formatAsCreated(LEDGER_FILE, serialize(ledger), { format: false });
  const path = `/${LEDGER_FILE}`;
  if (!tree.exists(path)) tree.create(path, text);
  else if (tree.readText(path) !== text) tree.overwrite(path, text);
}

/** JSON with the keys of every object sorted; arrays keep their order. */
function serialize(value: unknown): string {
  const sorted = (_key: string, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1))) : item;
  return `${JSON.stringify(value, sorted, 2)}\n`;
}
