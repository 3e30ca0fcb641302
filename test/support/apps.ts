/**
 * Real NestJS apps on disk, for e2e tests, the benchmarks and the demo: this file is the front door
 * (a throwaway copy of an app to work in); the rest of test/support/ does one job per file:
 *
 * - app-recipes.ts: the kinds of app (SPEC §7), how each is scaffolded and installed into a cached
 *   template, and variants (bigger apps made from a template);
 * - app-cache.ts: the `.cache/apps/` entries (built once, superseded ones removed) and copies of them;
 * - packing.ts: `npm pack` of the repo, installed into a template;
 * - node-installs.ts: other Node versions (24, 26), installed from npm into `.cache/`;
 * - package-managers.ts: pnpm, yarn and bun, installed from npm into `.cache/` the same way;
 * - processes.ts: running commands and starting apps (`run`, `mustRun`, `startApp`, `freePort`);
 * - snapshots.ts: a folder's files and their hashes (`fileSnapshot`);
 * - clients.ts, jwt.ts, redis.ts, commands.ts: socket.io clients, test tokens, Redis servers, app
 *   commands; unit/: in-memory app trees for the unit tests beside the code.
 *
 * A copy lives in os.tmpdir(), outside the repo on purpose: inside it, Node would also resolve
 * packages from the repo's own node_modules and hide a dependency missing from the app.
 *
 * These files are the only implementation of "prepare / copy an app": bench/ and demo/ load them
 * through scripts/load-app-helpers.mjs, so every file this one imports must import nothing but
 * Node built-ins.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyApp } from './app-cache';
import { AppKind, AppVariant, prepareApp } from './app-recipes';
import { prepareAppWithPackage } from './packing';

const TEST_APP_PREFIX = 'rs-app-';

/**
 * A fresh copy of the template app (or of a variant of it) in os.tmpdir(), with the packed package
 * installed unless told not to.
 */
export async function createTestApp(kind: AppKind, opts: { installPackage?: boolean; variant?: AppVariant } = {}): Promise<string> {
  const source = opts.installPackage === false ? await prepareApp(kind, opts.variant) : await prepareAppWithPackage(kind, opts.variant);
  const dir = await mkdtemp(path.join(os.tmpdir(), `${TEST_APP_PREFIX}${kind}-`));
  await copyApp(source, dir);
  return dir;
}

export async function removeTestApp(dir: string): Promise<void> {
  if (path.dirname(dir) !== os.tmpdir() || !path.basename(dir).startsWith(TEST_APP_PREFIX)) {
    throw new Error(`refusing to remove ${dir}: not a test app made by createTestApp`);
  }
  await rm(dir, { recursive: true, force: true });
}
