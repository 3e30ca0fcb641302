import { cpSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createTestApp, removeTestApp } from '../support/apps';
import { RunResult, run } from '../support/processes';
import { fileSnapshot } from '../support/snapshots';
import { appBin, succeed } from '../support/commands';

/**
 * `realtime-schematics check` on real apps with the packed package installed: the seeds' gateways,
 * written into an app as the tutorials write them (only missing imports added; files in
 * fixtures/check/seeds/<seed>/ named `*.ts.seed` so this repo's typecheck skips them), produce the
 * findings their SPEC §6 faults name at the right lines; an app the schematics generated produces
 * none; `--json`, exit codes, both silencing mechanisms, and a monorepo project with `-p`.
 */
const FIXTURES = join(__dirname, 'fixtures/check');

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: 'error' | 'warning';
  message: string;
}

/**
 * What each seed's gateways must produce, as `file:line rule`. Alongside the faults SPEC §6 names
 * for each (wildcard CORS, per-gateway server options, JWT verified per message in a guard — auth
 * only in a guard, so no handshake middleware —, in-memory user maps, Redis clients without error
 * listeners), realtime.json as `init` writes it (auth and filter on) adds handshake-auth-missing
 * for every gateway without middleware and filter-missing for every one with message handlers and
 * no `@UseFilters()`, and the payloads no
 * DTO validates are unvalidated-payload.
 */
const SEED_FINDINGS: Record<string, string[]> = {
  '000': [
    'src/auth/ws-auth.guard.ts:20 verify-per-message',
    'src/auth/ws-auth.guard.ts:30 filter-missing',
    'src/auth/ws-auth.guard.ts:30 handshake-auth-missing',
    'src/chat/chat.gateway.ts:11 filter-missing',
    'src/chat/chat.gateway.ts:11 handshake-auth-missing',
    'src/chat/chat.gateway.ts:18 unvalidated-payload',
    'src/chat/chat.gateway.ts:27 unvalidated-payload',
    'src/chat/chat.gateway.ts:36 unvalidated-payload',
    'src/chat/chat.gateway.ts:49 unvalidated-payload',
    'src/messages/messages-config.gateway.ts:3 handshake-auth-missing',
    'src/messages/messages-config.gateway.ts:5 gateway-server-options',
    'src/messages/messages.gateway.ts:13 filter-missing',
    'src/messages/messages.gateway.ts:13 handshake-auth-missing',
    'src/messages/messages.gateway.ts:14 gateway-server-options',
    'src/messages/messages.gateway.ts:35 unvalidated-payload',
    'src/notifications/notifications.gateway.ts:11 filter-missing',
    'src/notifications/notifications.gateway.ts:11 handshake-auth-missing',
    'src/notifications/notifications.gateway.ts:13 gateway-server-options',
    'src/notifications/notifications.gateway.ts:23 unvalidated-payload',
  ],
  '001': [
    'src/chat.gateway.ts:15 filter-missing',
    'src/chat.gateway.ts:15 handshake-auth-missing',
    'src/chat.gateway.ts:15 gateway-server-options',
    'src/chat.gateway.ts:39 unvalidated-payload',
    'src/notifications.gateway.ts:6 filter-missing',
    'src/notifications.gateway.ts:6 handshake-auth-missing',
    'src/notifications.gateway.ts:8 gateway-server-options',
    'src/notifications.gateway.ts:8 cors-wildcard',
    'src/notifications.gateway.ts:21 unvalidated-payload',
    'src/redis-io.adapter.ts:11 redis-no-error-listener',
    'src/redis-io.adapter.ts:12 redis-no-error-listener',
    'src/room.gateway.ts:11 filter-missing',
    'src/room.gateway.ts:11 handshake-auth-missing',
    'src/room.gateway.ts:11 gateway-server-options',
    'src/room.gateway.ts:18 unvalidated-payload',
    'src/room.gateway.ts:35 unvalidated-payload',
    'src/room.gateway.ts:45 unvalidated-payload',
    'src/secure-chat.gateway.ts:7 filter-missing',
    'src/secure-chat.gateway.ts:7 handshake-auth-missing',
    'src/secure-chat.gateway.ts:7 gateway-server-options',
    'src/ws-auth.guard.ts:22 verify-per-message',
    'src/ws-exception.filter.ts:25 handshake-auth-missing',
    'src/ws-exception.filter.ts:25 gateway-server-options',
    'src/ws-exception.filter.ts:29 unvalidated-payload',
  ],
  '002': [
    'src/admin/admin.gateway.ts:3 handshake-auth-missing',
    'src/chat/chat.gateway.ts:11 filter-missing',
    'src/chat/chat.gateway.ts:11 handshake-auth-missing',
    'src/chat/chat.gateway.ts:12 gateway-server-options',
    'src/chat/chat.gateway.ts:12 cors-wildcard',
    'src/chat/chat.gateway.ts:27 unvalidated-payload',
    'src/chat/chat.gateway.ts:33 unvalidated-payload',
    'src/secure/secure.gateway.ts:6 filter-missing',
    'src/secure/secure.gateway.ts:6 handshake-auth-missing',
  ],
  '003': [
    'src/chat/chat-private.gateway.ts:7 filter-missing',
    'src/chat/chat-private.gateway.ts:7 handshake-auth-missing',
    'src/chat/chat-private.gateway.ts:15 unvalidated-payload',
    'src/chat/chat-users.gateway.ts:10 handshake-auth-missing',
    'src/chat/chat-users.gateway.ts:15 in-memory-presence',
    'src/chat/chat-validated.gateway.ts:6 filter-missing',
    'src/chat/chat-validated.gateway.ts:6 handshake-auth-missing',
    'src/chat/chat.gateway.ts:15 filter-missing',
    'src/chat/chat.gateway.ts:15 handshake-auth-missing',
    'src/chat/chat.gateway.ts:16 gateway-server-options',
    'src/chat/chat.gateway.ts:17 cors-wildcard',
    'src/chat/chat.gateway.ts:42 unvalidated-payload',
    'src/common/filters/ws-exception.filter.ts:24 handshake-auth-missing',
    'src/common/guards/ws-jwt.guard.ts:20 verify-per-message',
    'src/notifications/notifications.gateway.ts:5 handshake-auth-missing',
    'src/notifications/notifications.gateway.ts:10 in-memory-presence',
  ],
};

/** What the text at a finding's line and column starts with, per rule. */
const POINTS_AT: Record<string, RegExp> = {
  'cors-wildcard': /^cors-wildcard origin: /,
  'gateway-server-options': /^gateway-server-options (\d+[,)]|[a-zA-Z]+: )/,
  'handshake-auth-missing': /^handshake-auth-missing @WebSocketGateway\(/,
  'filter-missing': /^filter-missing @WebSocketGateway\(/,
  'verify-per-message': /^verify-per-message this\.jwtService\.verify(Async)?\(token\)/,
  'in-memory-presence': /^in-memory-presence private \w+ = new Map</,
  'unvalidated-payload': /^unvalidated-payload (@MessageBody\(\) )?\w+: /,
  'redis-no-error-listener': /^redis-no-error-listener (createClient\(|pubClient\.duplicate\(\))/,
};

/** Copies a fixture folder into the app, dropping the `.seed` suffix of each file. */
function writeFixture(folder: string, app: string, into = ''): void {
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else cpSync(path, join(app, into, relative(folder, path).replace(/\.seed$/, '')));
    }
  };
  walk(folder);
}

const check = (app: string, args: string[] = []): Promise<RunResult> =>
  run(appBin(app, 'realtime-schematics'), ['check', ...args], { cwd: app, env: { CI: 'true', NO_COLOR: '1' } });

function checkJson(result: RunResult): JsonFinding[] {
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as JsonFinding[];
}

const summary = (findings: JsonFinding[]) => findings.map((finding) => `${finding.file}:${finding.line} ${finding.rule}`);

function editConventions(app: string, edit: (conventions: Record<string, unknown>) => void): void {
  const path = join(app, 'realtime.json');
  const conventions = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(conventions);
  writeFileSync(path, `${JSON.stringify(conventions, null, 2)}\n`);
}

describe('realtime-schematics check', () => {
  const apps: string[] = [];
  const newApp = async (kind: 'nest12-esm' | 'monorepo' = 'nest12-esm') => {
    const app = await createTestApp(kind);
    apps.push(app);
    return app;
  };

  afterAll(async () => {
    await Promise.all(apps.map(removeTestApp));
  });

  it('finds nothing in the app init + feature chat + redis-adapter generate, writes nothing, exits 0', async () => {
    const app = await newApp();
    const cli = appBin(app, 'realtime-schematics');
    await succeed(app, cli, ['init', '--skip-install']);
    await succeed(app, cli, ['feature', 'chat', '--skip-install']);
    await succeed(app, cli, ['redis-adapter', '--skip-install']);
    const before = await fileSnapshot(app);

    const text = await check(app);
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    expect(text.stdout).toMatch(/^No problems found in \d+ files checked\.\n$/);
    const json = await check(app, ['--json']);
    expect(json.code).toBe(0);
    expect(checkJson(json)).toEqual([]);
    expect(await fileSnapshot(app)).toEqual(before);
  });

  it.each(Object.keys(SEED_FINDINGS))("seed %s's gateways, as the tutorial writes them, produce the findings of its faults at their lines", async (seed) => {
    const app = await newApp();
    await succeed(app, appBin(app, 'realtime-schematics'), ['init', '--skip-install']);
    writeFixture(join(FIXTURES, 'seeds', seed), app);
    const before = await fileSnapshot(app);

    const result = await check(app, ['--json']);
    const findings = checkJson(result);
    expect(summary(findings)).toEqual(SEED_FINDINGS[seed]);
    expect(result.code).toBe(1);
    for (const finding of findings) {
      // Every finding points at its code: the text at its line and column is what the rule is about.
      const at = readFileSync(join(app, finding.file), 'utf8').split('\n')[finding.line - 1].slice(finding.column - 1);
      expect(`${finding.rule} ${at}`).toMatch(POINTS_AT[finding.rule]);
    }
    expect(await fileSnapshot(app)).toEqual(before);
  });

  it('prints path:line:column  rule-id  message lines and a summary; silenced by a disable comment and by realtime.json check.rules', async () => {
    const app = await newApp();
    const cli = appBin(app, 'realtime-schematics');
    await succeed(app, cli, ['init', '--skip-install']);
    await succeed(app, cli, ['feature', 'chat', '--skip-install']);
    writeFixture(join(FIXTURES, 'lobby'), app, 'src/chat');

    const result = await check(app);
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 5).map((line) => line.split('  ').slice(0, 2).join('  '))).toEqual([
      'src/chat/lobby.gateway.ts:5:1  filter-missing',
      'src/chat/lobby.gateway.ts:6:3  gateway-server-options',
      'src/chat/lobby.gateway.ts:6:11  cors-wildcard',
      'src/chat/lobby.gateway.ts:11:3  in-memory-presence',
      '',
    ]);
    expect(lines[5]).toMatch(/^4 problems \(2 errors, 2 warnings\) in \d+ files checked\.$/);
    // The namespace's handshake middleware is chat.gateway.ts's, so only the filter is missing; its fix names this gateway.
    expect(lines[0]).toContain('`npx realtime-schematics ws-filter --gateway lobby`');

    // The team decides: wildcard CORS is fine on this line; a missing filter is only a warning.
    const gateway = join(app, 'src/chat/lobby.gateway.ts');
    writeFileSync(gateway, readFileSync(gateway, 'utf8').replace('  cors:', '  // realtime-schematics-disable-next-line cors-wildcard -- public demo\n  cors:'));
    editConventions(app, (conventions) => {
      conventions.check = { rules: { 'filter-missing': 'warn', 'gateway-server-options': 'off' } };
    });
    const silenced = await check(app, ['--json']);
    expect(silenced.code).toBe(0);
    expect(checkJson(silenced).map((finding) => `${finding.line} ${finding.rule} ${finding.severity}`)).toEqual(['5 filter-missing warning', '12 in-memory-presence warning']);

    editConventions(app, (conventions) => {
      conventions.check = { rules: { 'filter-missing': 'off', 'in-memory-presence': 'off', 'gateway-server-options': 'off' } };
    });
    expect(await check(app)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^No problems found in \d+ files checked\.\n$/) });

    // A rule id realtime.json does not know is refused the way every invalid conventions file is: one line, exit 1.
    editConventions(app, (conventions) => {
      conventions.check = { rules: { 'cors-wildcards': 'off' } };
    });
    const refused = await check(app);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe('Error: realtime.json: unknown key "check.rules.cors-wildcards" (see realtime.schema.json for the keys it accepts).');
  });

  it('never reports success on nothing: no file under the source root is an error naming it and the flag; realtime.json sourceRoot points elsewhere', async () => {
    const app = await newApp();
    await succeed(app, appBin(app, 'realtime-schematics'), ['init', '--skip-install']);
    renameSync(join(app, 'src'), join(app, 'server'));
    const before = await fileSnapshot(app);

    for (const args of [[], ['--json']]) {
      const nothing = await check(app, args);
      expect([nothing.code, nothing.stdout, nothing.stderr.trim()]).toEqual([
        1,
        '',
        'Error: No .ts file found under src, so nothing was checked: pass -p <project> for a project of a monorepo, or set "sourceRoot" in realtime.json to the folder of the app\'s sources.',
      ]);
    }
    expect(await fileSnapshot(app)).toEqual(before);

    editConventions(app, (conventions) => {
      conventions.sourceRoot = 'server';
    });
    const checked = await check(app);
    expect([checked.code, checked.stdout, checked.stderr]).toEqual([0, `No problems found in ${readdirSync(join(app, 'server')).filter((name) => name.endsWith('.ts')).length} files checked.\n`, '']);
  });

  it('checks one monorepo project with -p, every project without it; an unknown project is one line and exit 1', async () => {
    const app = await newApp('monorepo');
    const cli = appBin(app, 'realtime-schematics');
    await succeed(app, cli, ['init', '--skip-install', '-p', 'other']);
    await succeed(app, cli, ['feature', 'chat', '--skip-install', '-p', 'other']);
    await succeed(app, cli, ['redis-adapter', '--skip-install', '-p', 'other']);
    // The default project gets seed 002's wildcard-CORS gateway.
    writeFixture(join(FIXTURES, 'seeds/002/src/chat'), app, 'apps/app/src');

    expect(await check(app, ['-p', 'other'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^No problems found in \d+ files checked\.\n$/) });
    const app1 = checkJson(await check(app, ['--json', '--project', 'app']));
    const all = checkJson(await check(app, ['--json']));
    expect(summary(all)).toEqual(summary(app1));
    expect(summary(all)).toEqual([
      'apps/app/src/chat.gateway.ts:11 filter-missing',
      'apps/app/src/chat.gateway.ts:11 handshake-auth-missing',
      'apps/app/src/chat.gateway.ts:12 gateway-server-options',
      'apps/app/src/chat.gateway.ts:12 cors-wildcard',
      'apps/app/src/chat.gateway.ts:27 unvalidated-payload',
      'apps/app/src/chat.gateway.ts:33 unvalidated-payload',
    ]);

    const unknown = await check(app, ['-p', 'nope']);
    expect([unknown.code, unknown.stdout, unknown.stderr.trim()]).toEqual([1, '', 'Error: Project "nope" is not in nest-cli.json (projects: app, other).']);
  });
});
