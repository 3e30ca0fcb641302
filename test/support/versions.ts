/**
 * A later version of the package, built from the packed one (SPEC §10's tests need two real
 * versions): the same files with one template changed and the version bumped, packed by npm.
 * Node built-ins only (see scripts/load-app-helpers.mjs).
 */
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { NPM_INSTALL, mustRun, npm } from './processes';
import { CACHE_DIR } from './repo';

export interface TemplateChange {
  version: string;
  /** A file of the package, e.g. `templates/gateway/files/__fileName__.gateway.ts.template`. */
  file: string;
  from: string;
  to: string;
}

/** The tarball of the package `tgz` with `change` applied; its path. */
export async function packChangedVersion(tgz: string, change: TemplateChange): Promise<string> {
  await mkdir(path.join(CACHE_DIR, 'pack'), { recursive: true });
  const dir = await mkdtemp(path.join(CACHE_DIR, 'pack', `.v${change.version}-`));
  await mustRun('tar', ['-xzf', tgz, '-C', dir], { cwd: dir });
  const root = path.join(dir, 'package');
  const file = path.join(root, change.file);
  const text = await readFile(file, 'utf8');
  if (!text.includes(change.from)) throw new Error(`${change.file} has no "${change.from}" to change`);
  await writeFile(file, text.replace(change.from, change.to));
  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
  await writeFile(path.join(root, 'package.json'), `${JSON.stringify({ ...manifest, version: change.version }, null, 2)}\n`);
  const { stdout } = await mustRun('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root });
  const [{ filename }] = JSON.parse(stdout) as { filename: string }[];
  return path.join(dir, filename);
}

/** Installs a packed version into the app, as `npm i -D realtime-schematics@<version>` would. */
export async function installVersion(app: string, tgz: string): Promise<void> {
  const packed = `./.packed/${path.basename(tgz)}`;
  await mkdir(path.join(app, '.packed'), { recursive: true });
  await copyFile(tgz, path.join(app, packed));
  await npm(app, [...NPM_INSTALL, packed]);
}
