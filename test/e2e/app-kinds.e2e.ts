import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppKind } from '../support/app-recipes';
import { createTestApp, removeTestApp } from '../support/apps';
import { jestCapableNodeBinDir } from '../support/node-installs';
import { RunningApp, run, startApp } from '../support/processes';
import { fileSnapshot } from '../support/snapshots';
import { appBin, succeed } from '../support/commands';
import { TEST_JWT_SECRET } from '../support/jwt';
import { PRODUCTION_E2E_SPECS, PRODUCTION_UNIT_SPECS, expectProductionChat } from '../support/production-set';

/**
 * Every app kind SPEC §7 supports, one pass each: `init` + `feature chat` (auth and rooms on, as
 * init writes realtime.json) generated, compiled by the app's own tsconfig and build, linted by its
 * own linter (which must find nothing to fix), its generated specs run by its own runners, then the
 * app started and driven with socket.io-client. Last, `--format` with an app's own Prettier config.
 */

/** A command run at the app's root: `npm`, or a binary of the app's own node_modules/.bin. */
type Command = [bin: string, args: string[]];

/**
 * What is generated in each kind, in order: `init` (which writes realtime.json with auth and rooms
 * on), then `feature chat`, through a different entry point in each kind, then `redis-adapter` (the
 * app then serves through the generated adapter: its server options; REDIS_URL unset: in-memory).
 * `--skip-install`: the template apps already hold every package, and the tests stay offline.
 */
const GENERATE: Record<Exclude<AppKind, 'nx'>, Command[]> = {
  'nest12-esm': [
    ['realtime-schematics', ['init', '--skip-install']],
    ['realtime-schematics', ['feature', 'chat']],
    ['realtime-schematics', ['redis-adapter', '--skip-install']],
  ],
  'nest12-cjs': [
    ['realtime-schematics', ['init', '--skip-install']],
    ['nest', ['g', '-c', 'realtime-schematics', 'feature', 'chat']],
    ['realtime-schematics', ['redis-adapter', '--skip-install']],
  ],
  // The app's own Nest CLI 11 (SPEC §2: Nest CLI 11 and 12): `nest add` (its --skip-install skips
  // fetching the already installed package) and `nest g`.
  'nest11-cjs': [
    ['nest', ['add', 'realtime-schematics', '--skip-install']],
    ['nest', ['g', '-c', 'realtime-schematics', 'feature', 'chat']],
    ['realtime-schematics', ['redis-adapter', '--skip-install']],
  ],
  // Into the second project of the workspace; realtime.json and .env.example go to the workspace root.
  monorepo: [
    ['realtime-schematics', ['init', '--skip-install', '-p', 'other']],
    ['nest', ['g', '-c', 'realtime-schematics', 'feature', 'chat', '-p', 'other']],
    ['realtime-schematics', ['redis-adapter', '--skip-install', '-p', 'other']],
  ],
};

/** What init writes at the workspace root, whatever the project: the conventions, the ledger beside them (SPEC §10), the env example, package.json. */
const WORKSPACE_FILES = ['realtime.json', '.realtime/generated.json', '.env.example', 'package.json'];

/** Where each kind's generated project lives and how the app's own tools check, build and start it. */
interface Project {
  sourceRoot: string;
  /** What relative imports end with: `.js` in ESM apps. */
  importSuffix: '.js' | '';
  /** The module that was there before generation; the realtime code must end up wired into it. */
  rootModule: string;
  /** `tsc` arguments that type-check the project's sources and specs. */
  typecheck: string[];
  build: Command;
  /** What the build produces for `node` to start. */
  entry: string;
  /** Nest 12's packages are ESM-only: jest (the CommonJS app's runner) needs Node 24 to load them. */
  jestOnNode24?: boolean;
}

const STRICT_FLAGS = ['--strict', '--noImplicitAny', '--strictBindCallApply'];

const PROJECTS: Record<Exclude<AppKind, 'nx'>, Project> = {
  'nest12-esm': {
    importSuffix: '.js',
    sourceRoot: 'src',
    rootModule: 'src/app.module.ts',
    typecheck: ['-p', 'tsconfig.json', '--noEmit'],
    build: ['npm', ['run', 'build']],
    entry: 'dist/main.js',
  },
  'nest12-cjs': {
    importSuffix: '',
    sourceRoot: 'src',
    rootModule: 'src/app.module.ts',
    typecheck: ['-p', 'tsconfig.json', '--noEmit'],
    build: ['npm', ['run', 'build']],
    entry: 'dist/main.js',
    jestOnNode24: true,
  },
  'nest11-cjs': {
    importSuffix: '',
    sourceRoot: 'src',
    rootModule: 'src/app.module.ts',
    // Nest 11's tsconfig is not strict (noImplicitAny: false, …); the generated code must compile under strict too.
    typecheck: ['-p', 'tsconfig.json', '--noEmit', ...STRICT_FLAGS],
    build: ['npm', ['run', 'build']],
    entry: 'dist/main.js',
  },
  monorepo: {
    importSuffix: '.js',
    sourceRoot: 'apps/other/src',
    rootModule: 'apps/other/src/other.module.ts',
    // The project's tsconfig.app.json leaves specs out; the test adds one that takes them in (see below).
    typecheck: ['-p', 'apps/other/tsconfig.check.json', '--noEmit'],
    build: ['nest', ['build', 'other']],
    entry: 'dist/apps/other/main.js',
  },
};

/** Generated code has no business in a linter's report (the apps' own files may have warnings). */
const GENERATED_PATH = /[\\/](chat|realtime)[\\/]|chat\.gateway\.e2e-spec/;

function runIn(app: string, [bin, args]: Command, env: NodeJS.ProcessEnv = {}) {
  return succeed(app, bin === 'npm' ? 'npm' : appBin(app, bin), args, env);
}

/** Runs a kind's GENERATE list and returns everything it printed. */
async function generate(app: string, kind: keyof typeof GENERATE, extraArgs: string[] = []): Promise<string> {
  let output = '';
  for (const [bin, args] of GENERATE[kind]) {
    const result = await runIn(app, [bin, [...args, ...extraArgs]]);
    output += result.stdout + result.stderr;
  }
  return output;
}

describe.each(Object.keys(GENERATE) as Array<keyof typeof GENERATE>)('the production set in a %s app', (kind) => {
  const project = PROJECTS[kind];
  let app: string;

  beforeAll(async () => {
    app = await createTestApp(kind);
  });

  afterAll(async () => {
    if (app) await removeTestApp(app);
  });

  it('generates into the project’s source root and wires it into its module', async () => {
    const before = readFileSync(join(app, project.rootModule), 'utf8');
    const output = await generate(app, kind);
    // `nest g` exits 0 even when the schematic fails: the output and the files are checked too.
    expect(output).not.toMatch(/error/i);
    expect(JSON.parse(readFileSync(join(app, 'realtime.json'), 'utf8'))).toMatchObject({ auth: { enabled: true }, rooms: { enabled: true } });
    for (const file of ['chat/chat.module.ts', 'chat/chat.gateway.ts', 'chat/chat.rooms.ts', 'realtime/ws-auth.middleware.ts', 'realtime/ws-exception.filter.ts']) {
      expect(output).toContain(`CREATE ${project.sourceRoot}/${file}`);
    }
    expect(output).toContain(`UPDATE ${project.rootModule}`);
    const rootModule = readFileSync(join(app, project.rootModule), 'utf8');
    expect(rootModule).not.toBe(before);
    expect(rootModule).toContain(`import { ChatModule } from './chat/chat.module${project.importSuffix}';`);
    // Nothing was written outside the project (in the monorepo: nothing into the default app).
    const written = [...output.matchAll(/^(?:CREATE|UPDATE) (\S+)/gm)].map(([, file]) => file);
    const projectRoot = project.sourceRoot.replace(/\/?src$/, '');
    expect(written.filter((file) => !file.startsWith(projectRoot) && !WORKSPACE_FILES.includes(file))).toEqual([]);
  });

  it('has no findings under `realtime-schematics check` (SPEC §8: freshly generated code is clean)', async () => {
    const checked = await run(appBin(app, 'realtime-schematics'), ['check', ...(kind === 'monorepo' ? ['-p', 'other'] : [])], {
      cwd: app,
      env: { CI: 'true', NO_COLOR: '1' },
    });
    expect([checked.code, checked.stdout.replace(/\d+ files/, 'N files'), checked.stderr]).toEqual([0, 'No problems found in N files checked.\n', '']);
  });

  it('compiles: type-checked with specs, and built by the app’s own build', async () => {
    if (kind === 'monorepo') {
      writeFileSync(
        join(app, 'apps/other/tsconfig.check.json'),
        JSON.stringify({ extends: './tsconfig.app.json', include: ['src/**/*', 'test/**/*'], exclude: [] }),
      );
    }
    await succeed(app, appBin(app, 'tsc'), project.typecheck);
    await runIn(app, project.build);
  });

  it('passes the app’s own linter, which finds nothing to fix in the generated files', async () => {
    const before = await fileSnapshot(app);
    const lint = await runIn(app, ['npm', ['run', 'lint']]);
    expect(await fileSnapshot(app)).toEqual(before);
    expect(lint.stdout + lint.stderr).not.toMatch(GENERATED_PATH);
  });

  it('passes its generated unit and e2e specs in the app’s own runners', async () => {
    const path = project.jestOnNode24 ? { PATH: `${await jestCapableNodeBinDir()}:${process.env.PATH}` } : {};
    const unit = await runIn(app, ['npm', ['test']], path);
    for (const spec of PRODUCTION_UNIT_SPECS) expect(unit.stdout + unit.stderr).toMatch(spec);
    // The app's own e2e spec boots its module, which now needs the secret like the app does.
    const e2e = await runIn(app, ['npm', ['run', 'test:e2e']], { ...path, JWT_SECRET: TEST_JWT_SECRET });
    for (const spec of PRODUCTION_E2E_SPECS) expect(e2e.stdout + e2e.stderr).toMatch(spec);
  });

  it('starts and serves /chat: authenticated members join a room and talk; a client without a token is refused', async () => {
    const server: RunningApp = await startApp(app, { JWT_SECRET: TEST_JWT_SECRET }, project.entry);
    try {
      await expectProductionChat(server.url);
    } finally {
      await server.stop();
    }
  });
});

describe('--format in a nest12-esm app with its own Prettier config', () => {
  const kind = 'nest12-esm';
  const prettierConfig = { printWidth: 100, singleQuote: false, semi: false, trailingComma: 'all' };
  let app: string;

  beforeAll(async () => {
    app = await createTestApp(kind);
  });

  afterAll(async () => {
    if (app) await removeTestApp(app);
  });

  it('writes files the app’s own Prettier accepts under that config, and the app still builds', async () => {
    writeFileSync(join(app, '.prettierrc'), JSON.stringify(prettierConfig, null, 2) + '\n');
    const output = await generate(app, kind, ['--format']);
    const written = [...output.matchAll(/^(?:CREATE|UPDATE) (\S+\.ts)\b/gm)].map(([, file]) => file);
    expect(written).toEqual(expect.arrayContaining([`${PROJECTS[kind].sourceRoot}/chat/chat.gateway.ts`, PROJECTS[kind].rootModule]));

    const check = await succeed(app, appBin(app, 'prettier'), ['--check', ...written]);
    expect(check.stdout + check.stderr).toContain('All matched files use Prettier code style!');
    // Not the Nest defaults the templates are written in: double quotes, no semicolons.
    const gateway = readFileSync(join(app, PROJECTS[kind].sourceRoot, 'chat/chat.gateway.ts'), 'utf8');
    expect(gateway).toContain('from "@nestjs/websockets"');
    expect(gateway).not.toMatch(/;$/m);

    await runIn(app, PROJECTS[kind].build);
  });
});
