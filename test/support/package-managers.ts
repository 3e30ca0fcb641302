/**
 * The package managers besides npm that Nest teams use (pnpm, yarn, bun), installed from the npm
 * registry into `.cache/<name>@<version>` once each, as node-installs.ts does for Node: a bin folder
 * to put first on PATH, so an app's install task, scripts and `<pm> <bin>` run the tested version.
 * Node built-ins only (see scripts/load-app-helpers.mjs).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, symlink } from 'node:fs/promises';
import * as path from 'node:path';
import { INSTALL_TIMEOUT_MS, NPM_INSTALL, mustRun } from './processes';
import { CACHE_DIR, REPO_ROOT } from './repo';

export type OtherPackageManager = 'pnpm' | 'yarn' | 'bun';

/**
 * Each at an exact version, so every run tests the same tool: the npm package that ships it and the
 * path of its executable inside that package. Yarn 4 ships as `@yarnpkg/cli-dist`; bun's binary is
 * in its per-platform package (the `bun` package only links to it from a postinstall script, which
 * npm 11 does not run unasked).
 */
const PACKAGE_MANAGERS: Record<OtherPackageManager, { version: string; pkg: string; bin: string }> = {
  pnpm: { version: '10.34.9', pkg: 'pnpm', bin: 'bin/pnpm.cjs' },
  yarn: { version: '4.18.1', pkg: '@yarnpkg/cli-dist', bin: 'bin/yarn.js' },
  bun: { version: '1.4.5', pkg: `@oven/bun-${process.platform}-${process.arch === 'x64' ? 'x64' : 'aarch64'}`, bin: 'bin/bun' },
};

export function packageManagerVersion(name: OtherPackageManager): string {
  return PACKAGE_MANAGERS[name].version;
}

const installs = new Map<OtherPackageManager, Promise<string>>();

/** The bin folder (for PATH) holding `name`, installed into `.cache/` first if missing. */
export function packageManagerBinDir(name: OtherPackageManager): Promise<string> {
  let install = installs.get(name);
  if (!install) {
    install = installPackageManager(name);
    installs.set(name, install);
  }
  return install;
}

/**
 * The environment of a developer using `name`: it first on PATH, as when installed globally, and no
 * `CI` (with it, pnpm and yarn refuse to change a lockfile, which adding a package must do).
 */
export async function packageManagerEnv(name: OtherPackageManager): Promise<NodeJS.ProcessEnv> {
  return { PATH: `${await packageManagerBinDir(name)}:${process.env.PATH}`, CI: undefined };
}

async function installPackageManager(name: OtherPackageManager): Promise<string> {
  const { version, pkg, bin } = PACKAGE_MANAGERS[name];
  const prefix = path.join(CACHE_DIR, `${name}@${version}`);
  const binDir = path.join(prefix, 'bin');
  if (existsSync(path.join(binDir, name))) return binDir;
  // Installed privately, then renamed into place: a parallel run never sees a half-installed tool.
  await mkdir(CACHE_DIR, { recursive: true });
  const staging = await mkdtemp(`${prefix}.staging-`);
  try {
    await mustRun('npm', [...NPM_INSTALL, '--prefix', staging, `${pkg}@${version}`], { cwd: REPO_ROOT, timeoutMs: INSTALL_TIMEOUT_MS });
    await mkdir(path.join(staging, 'bin'));
    // Linked relative to the prefix, so the folder stays valid once renamed.
    await symlink(path.join('..', 'node_modules', pkg, bin), path.join(staging, 'bin', name));
    await mustRun(path.join(staging, 'bin', name), ['--version'], { cwd: staging });
    if (!existsSync(prefix)) await rename(staging, prefix);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return binDir;
}
