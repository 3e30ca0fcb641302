import { HostTree } from '@angular-devkit/schematics';
import { SchematicTestRunner, UnitTestTree } from '@angular-devkit/schematics/testing';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { COLLECTION_PATH } from '../../../src/cli/collection';
import { CACHE_DIR, REPO_ROOT } from '../repo';

const HOSTS_CACHE = join(CACHE_DIR, 'hosts');

export type HostKind = 'esm' | 'cjs';

/**
 * Files of a real Nest 12 app, made by @nestjs/schematics' own `application` schematic (ESM or
 * CommonJS). It runs in a child Node process (that package is ESM-only, which jest's module system
 * cannot load) and is cached on disk per @nestjs/schematics version.
 */
function applicationFiles(kind: HostKind): string {
  const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/@nestjs/schematics/package.json'), 'utf8')) as { version: string }).version;
  const folder = join(HOSTS_CACHE, `${kind}-${version}`);
  if (existsSync(folder)) return folder;
  const scratch = `${folder}.${process.pid}`;
  mkdirSync(scratch, { recursive: true });
  execFileSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/@angular-devkit/schematics-cli/bin/schematics.js'), '@nestjs/schematics:application', '--name=app', '--directory=app', `--type=${kind}`, '--package-manager=npm', '--no-dry-run'],
    { cwd: scratch, stdio: 'pipe' },
  );
  // Another worker may have finished first; either copy is the same.
  if (!existsSync(folder)) renameSync(join(scratch, 'app'), folder);
  rmSync(scratch, { recursive: true, force: true });
  return folder;
}

function listFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** A fresh in-memory copy of a realistic Nest app. */
export function createAppTree(kind: HostKind): UnitTestTree {
  const folder = applicationFiles(kind);
  const tree = new UnitTestTree(new HostTree());
  for (const file of listFiles(folder)) {
    tree.create(relative(folder, file), readFileSync(file));
  }
  return tree;
}

export function createRunner(): SchematicTestRunner {
  return new SchematicTestRunner('realtime-schematics', COLLECTION_PATH);
}

/** Every file of a tree with its content, to assert that a run changed nothing. */
export function snapshotTree(tree: UnitTestTree): Record<string, string> {
  return Object.fromEntries(tree.files.map((path) => [path, tree.readContent(path)]));
}

/**
 * The tree's files with the ledger reduced to what it records of each file (its hash): for comparing
 * apps reached by different runs (`gateway` with auth on vs `gateway` + `ws-guard --gateway`), whose
 * ledgers name different runs.
 */
export function snapshotOutput(tree: UnitTestTree): Record<string, unknown> {
  const { ['/.realtime/generated.json']: ledger, ...files } = snapshotTree(tree);
  if (ledger === undefined) return files;
  const recorded = Object.entries(JSON.parse(ledger).files as Record<string, { hash?: string }>).map(([path, { hash }]) => [path, hash]);
  return { ...files, '/.realtime/generated.json': Object.fromEntries(recorded) };
}

/** Runs a schematic on a tree (which it changes in place) and collects the warnings it logged. */
export async function runSchematic(
  runner: SchematicTestRunner,
  schematic: string,
  options: object,
  tree: UnitTestTree,
): Promise<{ tree: UnitTestTree; warnings: string[] }> {
  const warnings: string[] = [];
  const subscription = runner.logger.subscribe((entry) => {
    if (entry.level === 'warn') warnings.push(entry.message);
  });
  try {
    return { tree: await runner.runSchematic(schematic, options, tree), warnings };
  } finally {
    subscription.unsubscribe();
  }
}
