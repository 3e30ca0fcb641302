import { logging, schema } from '@angular-devkit/core';
import { SchematicEngine, Tree, formats } from '@angular-devkit/schematics';
import { NodeModulesEngineHost, validateOptionsWithSchema } from '@angular-devkit/schematics/tools';
import { lastValueFrom, of } from 'rxjs';
import * as semver from 'semver';
import { Ledger, LedgerEntry, contentHash } from '../core/ledger';

// node-diff3 ships its types beside an ESM build that TypeScript's node10 resolution does not see.
const { merge } = require('node-diff3') as typeof import('node-diff3/src/diff3');

/** What `update` does to one recorded file (SPEC §10). */
export type UpdateAction = 'unchanged' | 'replaced' | 'merged' | 'conflict' | 'deleted' | 'not generated';

export interface UpdateStep {
  path: string;
  action: UpdateAction;
  /** The file's new content (replaced, merged, conflict). */
  text?: string;
}

/**
 * The three-way merge of one file, line by line, by node-diff3 (the diff3 algorithm `git merge-file`
 * uses): changes in hunks separated by unchanged lines merge; overlapping ones become a conflict
 * between `<<<<<<< yours` and `>>>>>>> <label>`, the team's lines first.
 */
export function mergeFile(recorded: string, yours: string, generated: string, label: string): { text: string; conflict: boolean } {
  const lines = (text: string) => text.split('\n');
  const result = merge(lines(yours), lines(recorded), lines(generated), { label: { a: 'yours', b: label } });
  return { text: result.result.join('\n'), conflict: result.conflict };
}

/**
 * The plan for every file of the ledger: the team's file (`read`) against what the installed version
 * writes for the same options (`generated`), from the content the ledger recorded. A file the team
 * never changed is replaced; an edited one merged; a deleted one stays deleted. Returns the ledger
 * as it will be after the update: each file's new base is what the installed version wrote.
 */
export function planUpdate(
  ledger: Ledger,
  read: (path: string) => string | undefined,
  generated: (path: string) => string | undefined,
  version: string,
): { steps: UpdateStep[]; ledger: Ledger } {
  const files: Record<string, LedgerEntry> = {};
  const steps: UpdateStep[] = [];
  for (const [path, entry] of Object.entries(ledger.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const { schematic, options } = entry;
    const yours = read(path);
    const theirs = generated(path);
    if ('deleted' in entry || yours === undefined) {
      files[path] = { schematic, options, version, deleted: true };
      steps.push({ path, action: 'deleted' });
      continue;
    }
    if (theirs === undefined) {
      files[path] = entry;
      steps.push({ path, action: 'not generated' });
      continue;
    }
    files[path] = { schematic, options, version, content: theirs, hash: contentHash(theirs) };
    if (yours === theirs) steps.push({ path, action: 'unchanged' });
    else if (contentHash(yours) === entry.hash) steps.push({ path, action: 'replaced', text: theirs });
    else {
      const merged = mergeFile(entry.content, yours, theirs, `realtime-schematics ${version}`);
      steps.push({ path, action: merged.conflict ? 'conflict' : merged.text === yours ? 'unchanged' : 'merged', text: merged.text });
    }
  }
  return { steps, ledger: { files, runs: ledger.runs.map((run) => ({ ...run, version })) } };
}

/**
 * What the installed version writes for the ledger's runs: each run again, in the order they first
 * ran, with the options recorded, on `tree` (the app, changes held in memory) without the recorded
 * files, so each is written as new, then formatted as the app's Prettier config says. Wiring edits
 * the runs make to other files (a module, main.ts) are discarded with the tree.
 */
export async function regenerate(tree: Tree, ledger: Ledger, collectionPath: string, root: string): Promise<Tree> {
  for (const path of Object.keys(ledger.files)) if (tree.exists(`/${path}`)) tree.delete(`/${path}`);
  const collection = engineFor(root).createCollection(collectionPath);
  let result = tree;
  for (const run of ledger.runs) {
    const schematic = collection.createSchematic(run.schematic, true);
    result = await lastValueFrom(schematic.call({ ...run.options, skipInstall: true }, of(result), { logger: new logging.NullLogger() }));
  }
  return result;
}

/**
 * A schematics engine as the CLI's workflow sets one up: options validated against each schema,
 * with its defaults, for the building blocks a run calls too (`feature` → `redis-adapter`).
 */
export function engineFor(root: string): SchematicEngine<object, object> {
  const registry = new schema.CoreSchemaRegistry(formats.standardFormats);
  registry.addPostTransform(schema.transforms.addUndefinedDefaults);
  const host = new NodeModulesEngineHost([root]);
  host.registerOptionsTransform(validateOptionsWithSchema(registry));
  return new SchematicEngine(host);
}

/** A migration of migrations.json: a schematic that makes a structural change, run once when an update crosses its version. */
export interface Migration {
  name: string;
  version: string;
  description: string;
}

/** The migrations of the versions after `from` up to `to`, oldest first (Angular's `ng update` model). */
export function migrationsBetween(migrations: Record<string, { version: string; description: string }>, from: string, to: string): Migration[] {
  return Object.entries(migrations)
    .filter(([, migration]) => semver.gt(migration.version, from) && semver.lte(migration.version, to))
    .map(([name, migration]) => ({ name, ...migration }))
    .sort((a, b) => semver.compare(a.version, b.version));
}

/** The oldest version the ledger's files were written by: where the update starts from. */
export function oldestVersion(ledger: Ledger): string | undefined {
  const versions = Object.values(ledger.files).map((entry) => entry.version);
  return versions.sort(semver.compare)[0];
}
