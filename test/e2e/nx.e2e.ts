import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NX_ENV } from '../support/app-recipes';
import { createTestApp, removeTestApp } from '../support/apps';
import { appBin, succeed } from '../support/commands';
import { TEST_JWT_SECRET } from '../support/jwt';
import { PRODUCTION_E2E_SPECS, PRODUCTION_UNIT_SPECS, expectProductionChat } from '../support/production-set';
import { RunResult, run, startApp } from '../support/processes';
import { fileSnapshot } from '../support/snapshots';

/**
 * An Nx workspace as `create-nx-workspace --preset=nest` makes it (Nx 23, Nest 11): the app `api`
 * in apps/api with its project.json and its root module in src/app/, no nest-cli.json, and the
 * `api-e2e` project beside it. `-p api` (own CLI) and `--project api` (`nx g`) resolve the project
 * from its project.json; the code goes into apps/api/src and is wired into src/app/app.module.ts;
 * `nx build api` builds it, `nx lint api` finds nothing in it, `nx test api` runs the generated unit
 * specs and `nx run api:test-e2e` (the target init adds) the e2e specs, and the built app serves
 * the conversation. `check` covers every project, `-p api` one, and fails when it would read nothing.
 */
/** What init writes at the workspace root: the conventions, the ledger beside them (SPEC §10), the env example, package.json. */
const WORKSPACE_FILES = ['realtime.json', '.realtime/generated.json', '.env.example', 'package.json'];

/**
 * The workspace's own `nx test` fails before any spec runs: jest reads jest.config.cts through
 * ts-node, which under the TypeScript 6 that Nx 23.2 installs finds no Node types and refuses the
 * moduleResolution jest sets (TS2591, TS5107). Reading that config without type checks is the fix.
 */
const JEST_CONFIG_WITHOUT_TYPES = { TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_IGNORE_DIAGNOSTICS: '5107' };

const nx = (app: string, args: string[], env: NodeJS.ProcessEnv = {}) => succeed(app, appBin(app, 'nx'), args, { ...NX_ENV, ...env });
const check = (app: string, args: string[] = []): Promise<RunResult> =>
  run(appBin(app, 'realtime-schematics'), ['check', ...args], { cwd: app, env: { CI: 'true', NO_COLOR: '1' } });

describe('an Nx workspace with a Nest app (create-nx-workspace --preset=nest)', () => {
  let app: string;

  // The first run scaffolds the workspace (create-nx-workspace installs it twice): up to its 20 minutes.
  beforeAll(async () => {
    app = await createTestApp('nx');
  }, 25 * 60_000);

  afterAll(async () => {
    if (app) await removeTestApp(app);
  });

  it('init, feature chat and redis-adapter with -p api (and `nx g` a gateway) write into apps/api/src and wire the root module in src/app/', async () => {
    const cli = appBin(app, 'realtime-schematics');
    const before = readFileSync(join(app, 'apps/api/src/app/app.module.ts'), 'utf8');
    let output = '';
    // feature installs what it added (npm, at the workspace root), as a user's run does.
    for (const args of [['init', '-p', 'api', '--skip-install'], ['feature', 'chat', '-p', 'api'], ['redis-adapter', '-p', 'api', '--skip-install']]) {
      const result = await succeed(app, cli, args);
      output += result.stdout + result.stderr;
    }
    expect(output).toContain('Nest 11 app: CommonJS, jest, npm, sources in apps/api/src, project apps/api.');
    expect(output).not.toMatch(/WARNING|error/i);
    const written = [...output.matchAll(/^(?:CREATE|UPDATE) (\S+)/gm)].map(([, file]) => file);
    expect(written).toEqual(expect.arrayContaining(['apps/api/src/chat/chat.gateway.ts', 'apps/api/src/realtime/ws-auth.middleware.ts', 'apps/api/src/app/app.module.ts', 'apps/api/src/main.ts']));
    expect(written.filter((file) => !file.startsWith('apps/api/') && !WORKSPACE_FILES.includes(file))).toEqual([]);

    const rootModule = readFileSync(join(app, 'apps/api/src/app/app.module.ts'), 'utf8');
    expect(rootModule).not.toBe(before);
    expect(rootModule.match(/import \{ ChatModule \} from '\.\.\/chat\/chat\.module';/g)).toHaveLength(1);
    expect(readFileSync(join(app, 'apps/api/src/main.ts'), 'utf8')).toContain('.useWebSocketAdapter(');
    expect(written).toEqual(expect.arrayContaining(['apps/api/test/chat.gateway.e2e-spec.ts', 'apps/api/project.json']));

    // The only Nest app of the workspace is also where a run without -p writes: a rerun changes nothing.
    const snapshot = await fileSnapshot(app);
    const rerun = await succeed(app, cli, ['feature', 'chat', '--skip-install']);
    expect(rerun.stdout).toContain('Nothing to be done.');
    expect(await fileSnapshot(app)).toEqual(snapshot);

    // Nx's own entry point: a gateway outside any module's folder is registered in the root module in src/app/.
    const generated = await nx(app, ['g', 'realtime-schematics:gateway', 'other', '--project', 'api', '--no-interactive']);
    expect(generated.stdout).toContain('CREATE apps/api/src/other/other.gateway.ts');
    expect(generated.stdout).toContain('UPDATE apps/api/src/app/app.module.ts');
    expect(readFileSync(join(app, 'apps/api/src/app/app.module.ts'), 'utf8')).toContain("import { OtherGateway } from '../other/other.gateway';");
  });

  it('builds with `nx build api`, lints clean with `nx lint api`, passes its generated unit specs in `nx test api` and e2e specs in `nx run api:test-e2e`', async () => {
    await nx(app, ['build', 'api']);
    const lint = await nx(app, ['lint', 'api']);
    expect(lint.stdout + lint.stderr).not.toMatch(/[\\/](chat|realtime)[\\/]/);
    const unit = await nx(app, ['test', 'api'], JEST_CONFIG_WITHOUT_TYPES);
    for (const spec of PRODUCTION_UNIT_SPECS) expect(unit.stdout + unit.stderr).toMatch(spec);
    // The e2e specs, in apps/api/test/, through the target init added to apps/api/project.json.
    const e2e = await nx(app, ['run', 'api:test-e2e'], JEST_CONFIG_WITHOUT_TYPES);
    for (const spec of PRODUCTION_E2E_SPECS) expect(e2e.stdout + e2e.stderr).toMatch(spec);
  });

  it('the built app starts and serves /chat: members join a room and talk; a client without a token is refused', async () => {
    const server = await startApp(app, { JWT_SECRET: TEST_JWT_SECRET }, 'dist/apps/api/main.js');
    try {
      await expectProductionChat(server.url);
    } finally {
      await server.stop();
    }
  });

  it('check covers every project, -p api one; a planted fault in src/app/ is found; an empty source root fails', async () => {
    const clean = await check(app);
    expect([clean.code, clean.stderr]).toEqual([0, '']);
    expect(clean.stdout).toMatch(/^No problems found in \d+ files checked\.\n$/);

    writeFileSync(
      join(app, 'apps/api/src/app/lobby.gateway.ts'),
      "import { WebSocketGateway } from '@nestjs/websockets';\n\n@WebSocketGateway({ namespace: 'lobby', cors: { origin: '*' } })\nexport class LobbyGateway {}\n",
    );
    for (const args of [[], ['-p', 'api']]) {
      const found = await check(app, ['--json', ...args]);
      expect(found.code).toBe(1);
      expect((JSON.parse(found.stdout) as { file: string; rule: string }[]).map(({ file, rule }) => `${file} ${rule}`)).toEqual([
        'apps/api/src/app/lobby.gateway.ts handshake-auth-missing',
        'apps/api/src/app/lobby.gateway.ts gateway-server-options',
        'apps/api/src/app/lobby.gateway.ts cors-wildcard',
      ]);
    }

    // Nothing left to read in either project: an error naming the roots and the flag, not "no problems".
    for (const project of ['api', 'api-e2e']) {
      for (const entry of readdirSync(join(app, 'apps', project, 'src'))) rmSync(join(app, 'apps', project, 'src', entry), { recursive: true });
    }
    const empty = await check(app);
    expect([empty.code, empty.stdout, empty.stderr.trim()]).toEqual([
      1,
      '',
      'Error: No .ts file found under apps/api/src, apps/api-e2e/src, so nothing was checked: pass -p <project> (api, api-e2e), or set "sourceRoot" in realtime.json to the folder of the app\'s sources.',
    ]);
    const emptyApi = await check(app, ['-p', 'api']);
    expect([emptyApi.code, emptyApi.stderr.trim()]).toEqual([1, 'Error: No .ts file found under apps/api/src, so nothing was checked: is "api"\'s sourceRoot right?']);
  });
});
