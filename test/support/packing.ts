/**
 * The package under test as users get it: `npm pack` of the repo, installed into a template app
 * (or a variant) once per tarball content, so every copy of that app inherits it.
 * Node built-ins only (see scripts/load-app-helpers.mjs).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { cachedBuild, copyApp } from './app-cache';
import { AppKind, AppVariant, prepareApp } from './app-recipes';
import { NPM_INSTALL, mustRun, npm } from './processes';
import { CACHE_DIR, REPO_ROOT, shortHash, timed } from './repo';

const PACK_DIR = path.join(CACHE_DIR, 'pack');
/** Folder inside the app that holds the packed tarball, so `file:` specs stay valid in every copy. */
const PACKED_DIR = '.packed';

let packing: Promise<string> | undefined;

/** `npm pack` of the repo, once per process; returns the tarball's path. Needs `npm run build` first. */
export function packPackage(): Promise<string> {
  packing ??= pack();
  return packing;
}

async function pack(): Promise<string> {
  if (!existsSync(path.join(REPO_ROOT, 'dist/cli/main.js'))) {
    throw new Error(`${REPO_ROOT}/dist/cli/main.js is missing: run \`npm run build\` first.`);
  }
  // Packed privately, then renamed into place: a parallel jest worker never reads a half-written tarball.
  await mkdir(PACK_DIR, { recursive: true });
  const staging = await mkdtemp(path.join(PACK_DIR, '.staging-'));
  try {
    const { stdout } = await mustRun('npm', ['pack', '--json', '--pack-destination', staging], { cwd: REPO_ROOT });
    const [{ filename }] = JSON.parse(stdout) as { filename: string }[];
    await rename(path.join(staging, filename), path.join(PACK_DIR, filename));
    return path.join(PACK_DIR, filename);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * The template (or a variant of it) with the packed package installed, cached per tarball content:
 * installing it once lets every copy inherit it, and a re-pack with different content installs again.
 */
export async function prepareAppWithPackage(kind: AppKind, variant?: AppVariant): Promise<string> {
  const [template, tgz] = await Promise.all([prepareApp(kind, variant), packPackage()]);
  // Read once: the bytes installed are the bytes hashed, even if a re-pack replaces the file meanwhile.
  const tarball = await readFile(tgz);
  const packed = `./${PACKED_DIR}/${path.basename(tgz)}`;
  return cachedBuild(`${path.basename(template)}-pkg-${shortHash(tarball)}`, kind, async (app) => {
    await mkdir(app);
    await copyApp(template, app);
    // Inside the app, npm records a relative `file:.packed/…` spec that still resolves in a copy
    // (a later `npm install` there, e.g. by an install task, keeps working).
    await mkdir(path.join(app, PACKED_DIR));
    await writeFile(path.join(app, packed), tarball);
    await timed(kind, 'install packed package', () => npm(app, [...NPM_INSTALL, packed]));
  });
}
