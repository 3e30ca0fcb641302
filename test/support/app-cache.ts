/**
 * The app cache, `.cache/apps/<name>`: entries built once (in a staging folder renamed into place,
 * so an interrupted build never leaves a half-built one), older entries an entry supersedes removed,
 * and copies of an entry for a test to work in.
 * Node built-ins only (see scripts/load-app-helpers.mjs).
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { AppKind } from './app-recipes';
import { isAlive, mustRun } from './processes';
import { CACHE_DIR, log, seconds } from './repo';

const APPS_DIR = path.join(CACHE_DIR, 'apps');

/**
 * Returns `.cache/apps/<name>`, building it first if missing. The build runs in a staging folder
 * renamed into place at the end, so an interrupted build never leaves a half-built entry.
 */
export async function cachedBuild(name: string, kind: AppKind, build: (app: string) => Promise<void>): Promise<string> {
  const target = path.join(APPS_DIR, name);
  if (existsSync(target)) return target;
  await mkdir(APPS_DIR, { recursive: true });
  await removeAbandonedStaging();
  const staging = await mkdtemp(path.join(APPS_DIR, `.staging-${process.pid}-`));
  const started = Date.now();
  try {
    await build(path.join(staging, 'app'));
    await rename(path.join(staging, 'app'), target);
  } catch (error) {
    // Lost a race with another process building the same entry: theirs is as good as ours.
    if (!existsSync(target)) throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  log(`${kind}: cached ${name} in ${seconds(started)}`);
  await removeSupersededEntries(kind, name);
  return target;
}

/** Removes the staging folders of builds whose process has died (e.g. an interrupted test run). */
async function removeAbandonedStaging(): Promise<void> {
  for (const entry of await readdir(APPS_DIR)) {
    const pid = Number(/^\.staging-(\d+)-/.exec(entry)?.[1]);
    if (pid && !isAlive(pid)) await rm(path.join(APPS_DIR, entry), { recursive: true, force: true });
  }
}

/**
 * A new template replaces the kind's older templates (and everything built on them); a new variant
 * recipe replaces that variant's older ones (and their package installs); a new package install
 * replaces the older ones on the same template or variant. Keeps .cache/apps from growing with
 * every change.
 */
async function removeSupersededEntries(kind: AppKind, current: string): Promise<void> {
  const entry = new RegExp(`^${kind}-([0-9a-f]{12})(-(?!pkg-)([a-z]+)-[0-9a-f]{12})?(-pkg-[0-9a-f]{12})?$`);
  const [, key, variant, variantName, pkg] = entry.exec(current) ?? [];
  for (const other of await readdir(APPS_DIR)) {
    const [, otherKey, otherVariant, otherVariantName, otherPkg] = entry.exec(other) ?? [];
    const superseded = pkg
      ? otherKey === key && otherVariant === variant && otherPkg !== undefined && otherPkg !== pkg
      : variant
        ? otherKey === key && otherVariantName === variantName && otherVariant !== variant
        : otherKey !== key;
    if (otherKey && superseded) await rm(path.join(APPS_DIR, other), { recursive: true, force: true });
  }
}

/**
 * Copies an app into the existing folder `to`. node_modules is hard-linked (npm replaces packages
 * rather than editing their files), except npm's hidden lockfile, which it rewrites in place;
 * everything else is copied, so a test can edit the copy freely.
 */
export async function copyApp(from: string, to: string): Promise<void> {
  const entries = (await readdir(from)).filter((entry) => entry !== 'node_modules');
  await mustRun('cp', ['-a', ...entries.map((entry) => path.join(from, entry)), to], { cwd: to });
  // Hard links cannot cross file systems (e.g. a tmpfs os.tmpdir()): copy there, slower but correct.
  const sameDevice = (await stat(from)).dev === (await stat(to)).dev;
  // pnpm, yarn and bun rewrite their own state files in node_modules in place: their apps are copied whole.
  const installedByNpm = existsSync(path.join(from, 'node_modules', '.package-lock.json'));
  await mustRun('cp', [sameDevice && installedByNpm ? '-al' : '-a', path.join(from, 'node_modules'), to], { cwd: to });
  if (!installedByNpm) return;
  const hiddenLock = path.join(to, 'node_modules', '.package-lock.json');
  await rm(hiddenLock);
  await copyFile(path.join(from, 'node_modules', '.package-lock.json'), hiddenLock);
}
