import { logging, normalize, virtualFs } from '@angular-devkit/core';
import { NodeJsSyncHost } from '@angular-devkit/core/node';
import { HostTree, Tree } from '@angular-devkit/schematics';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lastValueFrom, of } from 'rxjs';
import { LEDGER_FILE, PACKAGE_VERSION, readLedger, writeLedger } from '../core/ledger';
import { UsageError } from './arguments';
import { COLLECTION_PATH } from './collection';
import { UpdateAction, engineFor, migrationsBetween, oldestVersion, planUpdate, regenerate } from './update';

const MIGRATIONS_PATH = join(__dirname, '../../migrations.json');

const LABELS: Record<UpdateAction, string> = {
  unchanged: 'UNCHANGED',
  replaced: 'REPLACE',
  merged: 'MERGE',
  conflict: 'CONFLICT',
  deleted: 'DELETED',
  'not generated': 'KEEP',
};
const NOTES: Partial<Record<UpdateAction, string>> = {
  merged: ' (your edits kept)',
  conflict: ' (overlapping edits: resolve the conflict markers)',
  deleted: ' (you deleted it: stays deleted)',
  'not generated': ' (this version no longer writes it: left as it is)',
};

export function updateHelp(): string {
  return [
    'Usage: realtime-schematics update [--dry-run]',
    '',
    'Brings every file recorded in .realtime/generated.json to what the installed version writes for the',
    'same options: a file you never changed is replaced, an edited one gets a three-way merge (overlapping',
    'edits get conflict markers and exit code 1), a deleted one stays deleted; then the migrations of the',
    'versions crossed run (migrations.json). Prints the plan file by file.',
    '',
    'Options:',
    '  --dry-run, -d  Print the plan; write nothing (exit code as the real run).',
    '  --help, -h     Show this help.',
  ].join('\n');
}

/** `update [--dry-run]` in the current folder (the app root; in a monorepo, the workspace root). Returns the exit code. */
export async function runUpdateCommand(argv: string[]): Promise<number> {
  const unknown = argv.find((flag) => !['--dry-run', '-d', '--help', '-h'].includes(flag));
  if (unknown) throw new UsageError(`Unknown ${unknown.startsWith('-') ? 'option' : 'argument'} "${unknown}" for update; run \`realtime-schematics update --help\` for its options.`);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(updateHelp());
    return 0;
  }
  const dryRun = argv.includes('--dry-run') || argv.includes('-d');
  const root = process.cwd();
  const appTree = () => new HostTree(new virtualFs.ScopedHost(new NodeJsSyncHost(), normalize(root)));
  const tree = appTree();
  if (!tree.exists(`/${LEDGER_FILE}`)) {
    reportWithoutLedger(root);
    return 0;
  }
  const ledger = readLedger(tree);
  const fresh = await regenerate(appTree(), ledger, COLLECTION_PATH, root);
  const read = (from: Tree) => (path: string) => (from.exists(`/${path}`) ? from.readText(`/${path}`) : undefined);
  const { steps, ledger: next } = planUpdate(ledger, read(tree), read(fresh), PACKAGE_VERSION);

  for (const step of steps) {
    console.log(`${LABELS[step.action]} ${step.path}${NOTES[step.action] ?? ''}`);
    if (step.text !== undefined && step.text !== read(tree)(step.path)) tree.overwrite(`/${step.path}`, step.text);
  }
  await writeLedger(tree, next);
  const from = oldestVersion(ledger) ?? PACKAGE_VERSION;
  const migrations = await runMigrations(tree, from, root);
  const migrated = tree.actions.filter((action) => !steps.some((step) => `/${step.path}` === action.path) && action.path !== `/${LEDGER_FILE}`);
  for (const action of migrated) console.log(`MIGRATE ${action.path.slice(1)}`);
  if (migrations.length > 0) console.log(`Migrations ${from} → ${PACKAGE_VERSION}: ${migrations.join(', ')}.`);

  const conflicts = steps.filter((step) => step.action === 'conflict').map((step) => step.path);
  if (!dryRun) commit(tree, root);
  const changed = tree.actions.length > 0;
  if (conflicts.length > 0) console.log(`Conflicts in ${conflicts.length} file(s): ${conflicts.join(', ')}. Resolve the markers, then run update again.`);
  console.log(!changed ? 'Nothing to be done.' : dryRun ? 'Dry run: nothing was written.' : `Updated to realtime-schematics ${PACKAGE_VERSION}.`);
  return conflicts.length > 0 ? 1 : 0;
}

/** The migrations of migrations.json whose version the update crosses, run in order on `tree`; returns their names. */
async function runMigrations(tree: Tree, from: string, root: string): Promise<string[]> {
  const collection = engineFor(root).createCollection(MIGRATIONS_PATH);
  const migrations = migrationsBetween(JSON.parse(readFileSync(MIGRATIONS_PATH, 'utf8')).schematics, from, PACKAGE_VERSION);
  for (const migration of migrations) {
    await lastValueFrom(collection.createSchematic(migration.name).call({}, of(tree), { logger: new logging.NullLogger() }));
  }
  return migrations.map((migration) => migration.name);
}

/** Writes the tree's changes to disk. */
function commit(tree: Tree, root: string): void {
  for (const action of tree.actions) {
    const file = join(root, action.path);
    if (action.kind === 'd') rmSync(file, { force: true });
    else if (action.kind === 'c' || action.kind === 'o') {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, action.content);
    }
  }
}

/** Names of the files this package writes, to point at in an app generated before the ledger existed. */
const GENERATED_LOOKING = /\.(gateway|rooms|room-policy|presence|notifier|client|contract|events)(\.e2e-spec|\.spec)?\.ts$|^ws-.*\.ts$|^redis-io\.adapter\.ts$/;

/** An app generated before the ledger: nothing is touched; the files that look generated are the team's. */
function reportWithoutLedger(root: string): void {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      if (['node_modules', 'dist', '.git'].includes(entry.name) || entry.name.startsWith('.')) continue;
      const path = folder ? `${folder}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (GENERATED_LOOKING.test(entry.name)) found.push(path);
    }
  };
  walk('');
  console.log(`No ${LEDGER_FILE} here: this app was generated before the ledger existed (or by no realtime-schematics run), so update changes nothing.`);
  for (const path of found) console.log(`TEAM'S ${path}`);
  if (found.length > 0) {
    console.log(
      'These look generated but are your code now. To have update manage a file, move it aside, run the schematic that wrote it again (it records what it writes in the ledger), and port your edits into it.',
    );
  }
  console.log('Nothing to be done.');
}
