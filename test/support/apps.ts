/**
 * Real NestJS apps on disk, for e2e tests and the generation bench.
 *
 * Each kind of app is scaffolded and installed once into a template cached under
 * `.cache/apps/<kind>-<key>` (the key hashes the recipe, so a changed recipe builds a new one).
 * Tests work in throwaway copies in os.tmpdir(): node_modules hard-linked, everything else copied.
 * A copy lives outside the repo on purpose: inside it, Node would also resolve packages from the
 * repo's own node_modules and hide a dependency missing from the app.
 *
 * This is the only implementation of "prepare / copy an app": bench/generation.mjs transpiles this
 * file and loads it, so it must keep importing nothing but Node built-ins.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The apps of SPEC §7: Nest 12 ESM (the `nest new` default), Nest 12 CommonJS, Nest 11 CommonJS,
 * and a monorepo (the Nest 12 ESM app after `nest g app other`).
 */
export type AppKind = 'nest12-esm' | 'nest12-cjs' | 'nest11-cjs' | 'monorepo';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The command outlived its timeout and its process group was killed. */
  timedOut: boolean;
}

export interface RunOptions {
  cwd: string;
  /** Merged over process.env; a key set to undefined removes that variable. */
  env?: NodeJS.ProcessEnv;
  /** Default 2 minutes. */
  timeoutMs?: number;
  input?: string;
}

export interface RunningApp {
  port: number;
  url: string;
  pid: number;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
  stop(): Promise<void>;
  /** Everything the app printed so far, stdout and stderr interleaved. */
  output(): string;
}

const REPO_ROOT = findRepoRoot(__dirname);
const APPS_DIR = path.join(REPO_ROOT, '.cache', 'apps');
const PACK_DIR = path.join(REPO_ROOT, '.cache', 'pack');
const REPO_BIN = path.join(REPO_ROOT, 'node_modules', '.bin');
const DEFAULT_TIMEOUT_MS = 2 * 60_000;
const INSTALL_TIMEOUT_MS = 5 * 60_000;
const NPM_INSTALL = ['install', '--no-audit', '--no-fund'];
/**
 * Templates are built as a user builds the app, whoever runs the build: jest sets NODE_ENV=test,
 * and with it `nest g app` skips moving the default app into apps/.
 */
const USER_ENV: NodeJS.ProcessEnv = { NODE_ENV: undefined };
/** Folder inside the app that holds the packed tarball, so `file:` specs stay valid in every copy. */
const PACKED_DIR = '.packed';
const TEST_APP_PREFIX = 'rs-app-';

/**
 * How each standalone kind starts: the way a user creates that app, without its install (done
 * afterwards, the same way for every kind). Run in an empty folder, each creates `./app`; `nest`
 * and `schematics` are the repo's own devDependencies.
 */
const SCAFFOLDS: Record<Exclude<AppKind, 'monorepo'>, string[]> = {
  'nest12-esm': ['nest', 'new', 'app', '--skip-git', '--skip-install', '--package-manager', 'npm', '--no-observe'],
  // `nest new` has no --type: the CommonJS app comes from the same application schematic with --type=cjs.
  // `--no-dry-run` because the schematics CLI ignores `--dry-run=false` (it reads the string "false").
  'nest12-cjs': [
    'schematics',
    '@nestjs/schematics:application',
    '--name=app',
    '--directory=app',
    '--type=cjs',
    '--package-manager=npm',
    '--no-dry-run',
    '--no-interactive',
  ],
  // The Nest 11 CLI itself, as a user on Nest 11 runs it; the app then has CLI 11 in devDependencies.
  'nest11-cjs': [
    'npm',
    'exec',
    '--yes',
    '--package=@nestjs/cli@11.0.24',
    '--',
    'nest',
    'new',
    'app',
    '--skip-git',
    '--skip-install',
    '--package-manager',
    'npm',
  ],
};

/**
 * The monorepo: a copy of the `base` template converted by its own Nest CLI. `nest g app` moves the
 * default app to apps/<name>/, adds apps/other/ and nest-cli.json `projects`, and switches the
 * builder to rspack, whose packages `nest build` then asks the user to install. It leaves the lint
 * script on `src/ test/`, which it just emptied: a user points it at apps/.
 */
const MONOREPO = {
  base: 'nest12-esm',
  convert: ['nest', 'g', 'app', 'other'],
  builderPackages: ['@rspack/core', 'webpack-node-externals', 'tsconfig-paths-webpack-plugin'],
  lintScript: 'oxlint --type-aware apps/',
} as const;

/**
 * Everything a template depends on besides `buildTemplate`'s code; hashed into the cache key.
 * Bump `revision` when the steps in `buildTemplate` change.
 */
function recipe(kind: AppKind) {
  return {
    revision: 5,
    ...(kind === 'monorepo' ? { monorepo: MONOREPO, base: templateName(MONOREPO.base) } : { scaffold: SCAFFOLDS[kind] }),
    tools: ['@nestjs/cli', '@nestjs/schematics', '@angular-devkit/schematics-cli'].map(
      (name) => `${name}@${installedManifest(REPO_ROOT, name).version}`,
    ),
    // Packages the generated realtime code imports at runtime; @nestjs ones follow the app's Nest major.
    nestPackages: ['@nestjs/websockets', '@nestjs/platform-socket.io', '@nestjs/jwt'],
    otherPackages: ['class-validator', 'redis', 'ioredis', '@socket.io/redis-adapter', '@socket.io/redis-streams-adapter'],
    // The e2e tests talk to the apps with the repo's own socket.io-client; the app gets the same one.
    socketIoClient: readJson(path.join(REPO_ROOT, 'package.json')).devDependencies['socket.io-client'],
    nodeMajor: process.versions.node.split('.')[0],
  };
}

/** `.cache/apps/<kind>-<hash of its recipe>`'s name. */
function templateName(kind: AppKind): string {
  return `${kind}-${shortHash(JSON.stringify(recipe(kind)))}`;
}

const templates = new Map<AppKind, Promise<string>>();

/** The cached template app of this kind, built first if missing (about a minute). */
export function prepareTemplateApp(kind: AppKind): Promise<string> {
  let template = templates.get(kind);
  if (!template) {
    template = cachedBuild(templateName(kind), kind, (app) => buildTemplate(kind, app));
    templates.set(kind, template);
  }
  return template;
}

async function buildTemplate(kind: AppKind, app: string): Promise<void> {
  if (kind === 'monorepo') return buildMonorepo(app);
  const { nestPackages, otherPackages, socketIoClient } = recipe(kind);
  const [bin, ...args] = SCAFFOLDS[kind];
  const executable = bin === 'npm' ? 'npm' : path.join(REPO_BIN, bin);
  // Scaffolded outside the repo: the Nest CLI resolves `@nestjs/schematics` from the working folder
  // first, so inside the repo the Nest 11 CLI would write the repo's Nest 12 app.
  const outside = await mkdtemp(path.join(os.tmpdir(), 'rs-scaffold-'));
  try {
    await timed(kind, 'scaffold', () => mustRun(executable, args, { cwd: outside, env: USER_ENV, timeoutMs: INSTALL_TIMEOUT_MS }));
    await mustRun('cp', ['-a', path.join(outside, 'app'), app], { cwd: outside });
  } finally {
    await rm(outside, { recursive: true, force: true });
  }
  await timed(kind, 'npm install', () => npm(app, NPM_INSTALL));

  const nestMajor = installedManifest(app, '@nestjs/core').version.split('.')[0];
  const runtime = [...nestPackages.map((name) => `${name}@^${nestMajor}`), ...otherPackages];
  await timed(kind, 'runtime packages', () => npm(app, [...NPM_INSTALL, ...runtime]));

  // socket.io pinned to the exact version the Nest adapter is built against.
  const socketIo = installedManifest(app, '@nestjs/platform-socket.io').dependencies['socket.io'];
  await timed(kind, 'socket.io', () => npm(app, [...NPM_INSTALL, '--save-exact', `socket.io@${socketIo}`]));
  await timed(kind, 'socket.io-client', () =>
    npm(app, [...NPM_INSTALL, '--save-dev', '--save-exact', `socket.io-client@${socketIoClient}`]),
  );
}

/** The monorepo kind: its base template, copied, converted by the app's own Nest CLI (see MONOREPO). */
async function buildMonorepo(app: string): Promise<void> {
  const base = await prepareTemplateApp(MONOREPO.base);
  await mkdir(app);
  await copyApp(base, app);
  const [bin, ...args] = MONOREPO.convert;
  await timed('monorepo', args.join(' '), () => mustRun(path.join(app, 'node_modules', '.bin', bin), args, { cwd: app, env: USER_ENV }));
  await timed('monorepo', 'builder packages', () => npm(app, [...NPM_INSTALL, '--save-dev', ...MONOREPO.builderPackages]));
  const manifest = readJson(path.join(app, 'package.json'));
  manifest.scripts.lint = MONOREPO.lintScript;
  await writeFile(path.join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Nest 12's packages are ESM-only: jest (a Nest 12 CommonJS app's runner) loads them only on a Node
 * with require(esm) support in jest, 24.9+. This installs that Node from the npm registry (the `node`
 * package ships the binary) into `.cache/`, once, and returns its bin folder for PATH.
 */
const JEST_CAPABLE_NODE = 'node@24.21.0';
let jestNode: Promise<string> | undefined;

export function jestCapableNodeBinDir(): Promise<string> {
  jestNode ??= (async () => {
    const prefix = path.join(REPO_ROOT, '.cache', JEST_CAPABLE_NODE);
    const bin = path.join(prefix, 'node_modules', '.bin');
    if (existsSync(path.join(bin, 'node'))) return bin;
    const staging = await mkdtemp(`${prefix}.staging-`);
    try {
      await mustRun('npm', [...NPM_INSTALL, '--prefix', staging, JEST_CAPABLE_NODE], { cwd: REPO_ROOT, timeoutMs: INSTALL_TIMEOUT_MS });
      if (!existsSync(prefix)) await rename(staging, prefix);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return bin;
  })();
  return jestNode;
}

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
async function templateWithPackage(kind: AppKind, variant?: AppVariant): Promise<string> {
  const [template, tgz] = await Promise.all([variant ? templateVariant(kind, variant) : prepareTemplateApp(kind), packPackage()]);
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

/**
 * A bigger app made from the template, e.g. the large app of the generation bench. `extend` edits a
 * copy of the template in place; the result is cached under a key that hashes `recipe` (change the
 * recipe whenever `extend` changes), and the package is installed on top of it like on the template,
 * so a new build of the package does not extend the app again.
 */
export interface AppVariant {
  /** Lower-case letters only (not `pkg`); part of the cache entry's name. */
  name: string;
  recipe: unknown;
  extend: (app: string) => Promise<void>;
}

async function templateVariant(kind: AppKind, variant: AppVariant): Promise<string> {
  const template = await prepareTemplateApp(kind);
  return cachedBuild(`${path.basename(template)}-${variant.name}-${shortHash(JSON.stringify(variant.recipe))}`, kind, async (app) => {
    await mkdir(app);
    await copyApp(template, app);
    await timed(kind, `extend into ${variant.name}`, () => variant.extend(app));
  });
}

/**
 * A fresh copy of the template app (or of a variant of it) in os.tmpdir(), with the packed package
 * installed unless told not to.
 */
export async function createTestApp(kind: AppKind, opts: { installPackage?: boolean; variant?: AppVariant } = {}): Promise<string> {
  const source =
    opts.installPackage === false
      ? await (opts.variant ? templateVariant(kind, opts.variant) : prepareTemplateApp(kind))
      : await templateWithPackage(kind, opts.variant);
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

/**
 * Copies an app into the existing folder `to`. node_modules is hard-linked (npm replaces packages
 * rather than editing their files), except npm's hidden lockfile, which it rewrites in place;
 * everything else is copied, so a test can edit the copy freely.
 */
async function copyApp(from: string, to: string): Promise<void> {
  const entries = (await readdir(from)).filter((entry) => entry !== 'node_modules');
  await mustRun('cp', ['-a', ...entries.map((entry) => path.join(from, entry)), to], { cwd: to });
  // Hard links cannot cross file systems (e.g. a tmpfs os.tmpdir()): copy there, slower but correct.
  const sameDevice = (await stat(from)).dev === (await stat(to)).dev;
  await mustRun('cp', [sameDevice ? '-al' : '-a', path.join(from, 'node_modules'), to], { cwd: to });
  const hiddenLock = path.join(to, 'node_modules', '.package-lock.json');
  await rm(hiddenLock);
  await copyFile(path.join(from, 'node_modules', '.package-lock.json'), hiddenLock);
}

/**
 * Returns `.cache/apps/<name>`, building it first if missing. The build runs in a staging folder
 * renamed into place at the end, so an interrupted build never leaves a half-built entry.
 */
async function cachedBuild(name: string, kind: AppKind, build: (app: string) => Promise<void>): Promise<string> {
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
 * Runs a command without a shell, stdin at EOF after `input` (if any). Never throws on a non-zero
 * exit; on timeout the whole process group is killed (npm and nest spawn children) and reported.
 */
export function run(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: 'pipe',
      detached: true, // its own process group, so a timeout can kill the grandchildren too
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // stdin gets the input, if any, then EOF. A command that exits without reading it must not
    // crash us with EPIPE.
    child.stdin.on('error', () => undefined).end(opts.input);
    const timer = setTimeout(() => {
      timedOut = true;
      stderr += `\n[run] killed after ${timeoutMs} ms: ${cmd} ${args.join(' ')}\n`;
      killGroup(child.pid);
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${cmd}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** `run` for steps that must succeed: throws with the command's output otherwise. */
async function mustRun(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const result = await run(cmd, args, opts);
  if (result.code !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim().slice(-4000);
    throw new Error(`\`${cmd} ${args.join(' ')}\` failed in ${opts.cwd} (exit ${result.code}):\n${output}`);
  }
  return result;
}

function npm(cwd: string, args: string[]): Promise<RunResult> {
  return mustRun('npm', args, { cwd, env: USER_ENV, timeoutMs: INSTALL_TIMEOUT_MS });
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;

/**
 * Starts a built app (`node dist/main.js`, or another `entry` relative to the app) on a free port
 * and resolves once it accepts connections.
 */
export async function startApp(dir: string, env: NodeJS.ProcessEnv = {}, entryFile = 'dist/main.js'): Promise<RunningApp> {
  const entry = path.join(dir, entryFile);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build the app first`);
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    cwd: dir,
    // Nest's logger colours its output even without a TTY; plain text reads better in failures.
    // `port` too: the main.ts that `nest g app` writes reads `process.env.port`.
    env: { ...process.env, NO_COLOR: '1', ...env, PORT: String(port), port: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`)),
  );

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(killer);
  };

  const failure = await waitForPort(port, exited);
  if (failure) {
    await stop();
    throw new Error(`app in ${dir} did not start: ${failure}\n${output}`);
  }
  return { port, url: `http://127.0.0.1:${port}`, pid: child.pid!, stop, output: () => output };
}

/** Polls until the port accepts a connection; returns why it never did, or undefined on success. */
async function waitForPort(port: number, exited: Promise<string>): Promise<string | undefined> {
  let exitReason: string | undefined;
  void exited.then((reason) => (exitReason = reason));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitReason) return exitReason;
    if (await accepts(port)) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return exitReason ?? `port ${port} not open after ${START_TIMEOUT_MS} ms`;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Relative path → sha1 of every file under `dir`; entries named in `ignore` are skipped at any depth. */
export async function fileSnapshot(
  dir: string,
  ignore: string[] = ['node_modules', 'dist', '.git'],
): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(path.join(dir, relative), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (ignore.includes(entry.name)) continue;
      const child = path.posix.join(relative, entry.name);
      const absolute = path.join(dir, child);
      if (entry.isDirectory()) await walk(child);
      else if (entry.isSymbolicLink()) snapshot[child] = sha1(`symlink:${await readlink(absolute)}`);
      else snapshot[child] = sha1(await readFile(absolute));
    }
  };
  await walk('');
  return snapshot;
}

function findRepoRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && readJson(manifest).name === 'realtime-schematics') return dir;
  }
  throw new Error(`no realtime-schematics package.json above ${from}`);
}

function installedManifest(app: string, name: string) {
  return readJson(path.join(app, 'node_modules', name, 'package.json'));
}

/** Parsed JSON, untyped: only ever package.json fields we know are there. */
function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function shortHash(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 12);
}

function sha1(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

function killGroup(pid: number | undefined): void {
  try {
    if (pid) process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Template builds are rare and slow: say what is happening (stderr, which jest does not buffer). */
async function timed<T>(kind: AppKind, step: string, action: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await action();
  log(`${kind}: ${step} ${seconds(started)}`);
  return result;
}

function log(message: string): void {
  process.stderr.write(`[apps] ${message}\n`);
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}
