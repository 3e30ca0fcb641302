/**
 * The repository the test support runs in, and the small helpers every part of it shares.
 * Node built-ins only (see scripts/load-app-helpers.mjs).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = findRepoRoot(__dirname);
/** Everything the tests build once and keep between runs (git-ignored). */
export const CACHE_DIR = path.join(REPO_ROOT, '.cache');

function findRepoRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && readJson(manifest).name === 'realtime-schematics') return dir;
  }
  throw new Error(`no realtime-schematics package.json above ${from}`);
}

export function installedManifest(app: string, name: string) {
  return readJson(path.join(app, 'node_modules', name, 'package.json'));
}

/** Parsed JSON, untyped: only ever package.json fields we know are there. */
export function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function shortHash(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 12);
}

/** Template builds are rare and slow: say what is happening (stderr, which jest does not buffer). */
export async function timed<T>(subject: string, step: string, action: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await action();
  log(`${subject}: ${step} ${seconds(started)}`);
  return result;
}

export function log(message: string): void {
  process.stderr.write(`[apps] ${message}\n`);
}

export function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}
