/**
 * How each kind of app the tests use is made: the apps of SPEC §7, scaffolded the way a user
 * creates them, installed, and cached as templates under `.cache/apps/<kind>-<key>` (the key hashes
 * the recipe, so a changed recipe builds a new template); and variants, bigger apps made from a
 * template.
 * Node built-ins only (see scripts/load-app-helpers.mjs).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedBuild, copyApp } from './app-cache';
import { INSTALL_TIMEOUT_MS, NPM_INSTALL, USER_ENV, mustRun, npm } from './processes';
import { REPO_ROOT, installedManifest, readJson, shortHash, timed } from './repo';
import { OtherPackageManager, packageManagerEnv, packageManagerVersion } from './package-managers';

/**
 * The apps of SPEC §7: Nest 12 ESM (the `nest new` default), Nest 12 CommonJS, Nest 11 CommonJS,
 * a monorepo (the Nest 12 ESM app after `nest g app other`), and an Nx workspace with a Nest app.
 */
export type AppKind = 'nest12-esm' | 'nest12-cjs' | 'nest11-cjs' | 'monorepo' | 'nx';

const REPO_BIN = path.join(REPO_ROOT, 'node_modules', '.bin');

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
  // Nx's own workspace generator, as an Nx user starts (it installs the workspace itself): the Nest
  // app `api` in apps/api (project.json, its root module in src/app/, no nest-cli.json), the `api-e2e`
  // project beside it, jest, eslint and prettier.
  nx: [
    'npm',
    'exec',
    '--yes',
    '--package=create-nx-workspace@23.2.1',
    '--',
    'create-nx-workspace',
    'app',
    '--preset=nest',
    '--appName=api',
    '--nxCloud=skip',
    '--packageManager=npm',
    '--interactive=false',
    '--skipGit',
    '--docker=false',
    '--unitTestRunner=jest',
    '--linter=eslint',
    '--formatter=prettier',
    '--aiAgents=none',
    '--analytics=false',
  ],
};

/**
 * How the tests run `nx`: no daemon left running after a command, no Nx Cloud, no terminal UI, and
 * no task cache (each test app is a fresh copy; a cached build would hide what the test wrote).
 */
export const NX_ENV: NodeJS.ProcessEnv = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_SKIP_NX_CACHE: 'true' };
/** create-nx-workspace installs the whole workspace twice (itself, then its plugins): slower than a plain install. */
const NX_SCAFFOLD_TIMEOUT_MS = 20 * 60_000;

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
    // Packages the generated realtime code imports at runtime (every one `init` declares: after
    // `init --skip-install` a later `feature` has nothing to install, SPEC §4); @nestjs ones follow
    // the app's Nest major.
    nestPackages: ['@nestjs/websockets', '@nestjs/platform-socket.io', '@nestjs/jwt'],
    otherPackages: ['class-validator', 'redis', 'ioredis', '@socket.io/redis-adapter', '@socket.io/redis-streams-adapter', '@socket.io/redis-emitter', 'socket.io-adapter', 'rate-limiter-flexible'],
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
    const env = kind === 'nx' ? { ...USER_ENV, ...NX_ENV } : USER_ENV;
    const timeoutMs = kind === 'nx' ? NX_SCAFFOLD_TIMEOUT_MS : INSTALL_TIMEOUT_MS;
    await timed(kind, 'scaffold', () => mustRun(executable, args, { cwd: outside, env, timeoutMs }));
    // Nx's workspace data (project graph, file hashes) is of this folder: each copy makes its own.
    await rm(path.join(outside, 'app', '.nx'), { recursive: true, force: true });
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

/** The template of this kind, or the cached variant of it when one is given. */
export async function prepareApp(kind: AppKind, variant?: AppVariant): Promise<string> {
  const template = await prepareTemplateApp(kind);
  if (!variant) return template;
  return cachedBuild(`${path.basename(template)}-${variant.name}-${shortHash(JSON.stringify(variant.recipe))}`, kind, async (app) => {
    await mkdir(app);
    await copyApp(template, app);
    await timed(kind, `extend into ${variant.name}`, () => variant.extend(app));
  });
}

/**
 * A Nest 12 app on Fastify, converted from the default app as the Nest docs' Fastify page says:
 * `@nestjs/platform-fastify` installed, Express removed, `main.ts` creating the app with
 * `FastifyAdapter` (listening on 0.0.0.0, as Fastify needs in containers), and the app's own e2e
 * spec as the docs' testing page writes it for Fastify (the instance readied before supertest).
 */
export const FASTIFY_VARIANT: AppVariant = {
  name: 'fastify',
  recipe: { revision: 1, remove: ['@nestjs/platform-express', '@types/express'], add: '@nestjs/platform-fastify' },
  async extend(app) {
    await npm(app, ['uninstall', '--no-audit', '--no-fund', '@nestjs/platform-express', '@types/express']);
    const nestMajor = installedManifest(app, '@nestjs/core').version.split('.')[0];
    await npm(app, [...NPM_INSTALL, `@nestjs/platform-fastify@^${nestMajor}`]);
    await writeFile(path.join(app, 'src/main.ts'), FASTIFY_MAIN);
    await writeFile(path.join(app, 'test/app.e2e-spec.ts'), FASTIFY_APP_E2E_SPEC);
  },
};

/** `main.ts` as the Nest docs' Fastify page writes it (also what the platform detection's unit spec reads). */
export const FASTIFY_MAIN = `import { NestFactory } from '@nestjs/core';
import {
  FastifyAdapter,
  NestFastifyApplication,
} from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';

async function bootstrap() {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule,
    new FastifyAdapter(),
  );
  await app.listen(process.env.PORT ?? 3000, '0.0.0.0');
}
await bootstrap();
`;

const FASTIFY_APP_E2E_SPEC = `import { Test, TestingModule } from '@nestjs/testing';
import {
  FastifyAdapter,
  NestFastifyApplication,
} from '@nestjs/platform-fastify';
import request from 'supertest';
import { AppModule } from './../src/app.module.js';

describe('AppController (e2e)', () => {
  let app: NestFastifyApplication;

  beforeEach(async () => {
    const moduleFixture: TestingModule = await Test.createTestingModule({
      imports: [AppModule],
    }).compile();

    app = moduleFixture.createNestApplication<NestFastifyApplication>(
      new FastifyAdapter(),
    );
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  it('/ (GET)', () => {
    return request(app.getHttpServer())
      .get('/')
      .expect(200)
      .expect('Hello World!');
  });

  afterEach(async () => {
    await app.close();
  });
});
`;

/**
 * The default Nest 12 app as `nest new --package-manager <pm>` makes it for a team on pnpm, yarn or
 * bun, installed by that package manager (from `.cache/`, see package-managers.ts; yarn with
 * `nodeLinker: node-modules` in .yarnrc.yml, the setting Yarn Plug'n'Play apps need here). It is
 * scaffolded afresh into the copy of the `nest12-esm` template it is a variant of (it keeps none of
 * that copy: the template is only its place in the cache), without the runtime packages the
 * template adds: `init`'s install task installs them with the app's package manager.
 */
export function packageManagerVariant(pm: OtherPackageManager): AppVariant {
  const yarnrc = pm === 'yarn' ? 'nodeLinker: node-modules\n' : undefined;
  return {
    name: pm,
    recipe: { revision: 1, pm, version: packageManagerVersion(pm), scaffold: SCAFFOLDS['nest12-esm'], yarnrc },
    async extend(app) {
      const env = { ...USER_ENV, ...(await packageManagerEnv(pm)) };
      const [bin, ...args] = SCAFFOLDS['nest12-esm'];
      const scaffold = args.map((arg) => (arg === 'npm' ? pm : arg));
      const outside = await mkdtemp(path.join(os.tmpdir(), 'rs-scaffold-'));
      try {
        await mustRun(path.join(REPO_BIN, bin), scaffold, { cwd: outside, env, timeoutMs: INSTALL_TIMEOUT_MS });
        await rm(app, { recursive: true, force: true });
        await mustRun('cp', ['-a', path.join(outside, 'app'), app], { cwd: outside });
      } finally {
        await rm(outside, { recursive: true, force: true });
      }
      if (yarnrc) await writeFile(path.join(app, '.yarnrc.yml'), yarnrc);
      // A project of its own, not a workspace of the repo (its .cache holds the app while it is built).
      if (pm === 'yarn') await writeFile(path.join(app, 'yarn.lock'), '');
      await timed(pm, `${pm} install`, () => mustRun(pm, ['install'], { cwd: app, env, timeoutMs: INSTALL_TIMEOUT_MS }));
    },
  };
}
