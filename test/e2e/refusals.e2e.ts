import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { createTestApp, removeTestApp } from '../support/apps';
import { run } from '../support/processes';
import { fileSnapshot } from '../support/snapshots';
import { appBin, succeed } from '../support/commands';

/**
 * The inputs every schematic must refuse, or accept, the way their own tools do (SPEC §3 "Every
 * schematic"), on real apps with the packed package installed: an app on an unsupported Nest major,
 * JSON files with comments, a broken nest-cli.json, and an install that fails after the files were
 * written.
 */

const ownCli = (app: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(appBin(app, 'realtime-schematics'), args, { cwd: app, env: { CI: 'true', NO_COLOR: '1', ...env }, timeoutMs: 240_000 });

const readText = (app: string, file: string) => readFile(join(app, file), 'utf8');

async function editJson(app: string, file: string, edit: (json: Record<string, any>) => void): Promise<void> {
  const json = JSON.parse(await readText(app, file));
  edit(json);
  await writeFile(join(app, file), JSON.stringify(json, null, 2) + '\n');
}

/** stderr without Node's own noise: the lines a user reads. */
const errorLines = (stderr: string) => stderr.split('\n').filter((line) => line.trim() !== '');

describe('an app on Nest 10 (a Nest 11 app whose package.json declares @nestjs/* ^10.4.0)', () => {
  let app: string;
  let before: Record<string, string>;

  beforeAll(async () => {
    app = await createTestApp('nest11-cjs');
    await editJson(app, 'package.json', (packageJson) => {
      for (const name of Object.keys(packageJson.dependencies).filter((dependency) => dependency.startsWith('@nestjs/'))) {
        packageJson.dependencies[name] = '^10.4.0';
      }
    });
    before = await fileSnapshot(app);
  });

  afterAll(() => removeTestApp(app));

  it.each([['gateway', 'chat'], ['feature', 'chat'], ['redis-adapter']])('own CLI `%s` refuses it with one line and writes nothing', async (...args) => {
    const result = await ownCli(app, args);
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([
      'Error: Nest 10 ("@nestjs/core": "^10.4.0") is not supported: realtime-schematics supports Nest 11 and 12. Upgrade the app first (https://docs.nestjs.com/migration-guide).',
    ]);
    expect(result.stdout).not.toMatch(/CREATE|UPDATE/);
    expect(await fileSnapshot(app)).toEqual(before);
  });

  it('`nest g -c realtime-schematics gateway chat` prints the refusal and writes nothing (the Nest CLI exits 0 regardless)', async () => {
    const result = await succeed(app, appBin(app, 'nest'), ['g', '-c', 'realtime-schematics', 'gateway', 'chat']);
    expect(result.stdout + result.stderr).toContain('Nest 10 ("@nestjs/core": "^10.4.0") is not supported: realtime-schematics supports Nest 11 and 12.');
    expect(result.stdout).not.toMatch(/CREATE|UPDATE/);
    expect(await fileSnapshot(app)).toEqual(before);
  });
});

describe('JSON files read as their own tools read them', () => {
  let app: string;

  beforeAll(async () => {
    app = await createTestApp('nest12-esm');
  });

  afterAll(() => removeTestApp(app));

  it('generates into an app whose tsconfig.json and realtime.json have comments and trailing commas, and the app still builds', async () => {
    const tsconfig = await readText(app, 'tsconfig.json');
    await writeFile(
      join(app, 'tsconfig.json'),
      tsconfig.replace('{\n', '{\n  // TypeScript reads this file as JSON with comments\n').replace(/("types": \[[^\]]*\])\n/, '$1,\n'),
    );
    await writeFile(join(app, 'realtime.json'), '{\n  // errors reach clients through our own envelope\n  "filter": { "enabled": false, },\n}\n');

    const result = await succeed(app, appBin(app, 'realtime-schematics'), ['gateway', 'chat', '--skip-install']);
    expect(result.stdout).toContain('CREATE src/chat/chat.gateway.ts');
    // The filter is on by default: its absence shows realtime.json was read, comments and all.
    expect(await readText(app, 'src/chat/chat.gateway.ts')).not.toContain('UseFilters');
    await succeed(app, 'npm', ['run', 'build']);
    expect(existsSync(join(app, 'dist/src/chat/chat.gateway.js')) || existsSync(join(app, 'dist/chat/chat.gateway.js'))).toBe(true);
  });

  it('names a nest-cli.json the Nest CLI could not parse, on one line, and writes nothing', async () => {
    await writeFile(join(app, 'nest-cli.json'), '{\n  "collection": "@nestjs/schematics",\n  "sourceRoot": "src",\n}\n');
    const before = await fileSnapshot(app);
    const result = await ownCli(app, ['gateway', 'news']);
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([
      'Error: nest-cli.json is not valid JSON: property name expected at line 4, column 1 (the Nest CLI reads it as plain JSON: no comments, no trailing commas).',
    ]);
    expect(await fileSnapshot(app)).toEqual(before);
  });
});

describe('an install that fails after the files were written', () => {
  let app: string;
  let emptyCache: string;

  beforeAll(async () => {
    app = await createTestApp('nest12-esm');
    // class-validator is missing from package.json and node_modules, so the install must fetch it,
    // from a registry nobody listens on, with no npm cache to fall back to.
    await editJson(app, 'package.json', (packageJson) => delete packageJson.dependencies['class-validator']);
    await rm(join(app, 'node_modules/class-validator'), { recursive: true, force: true });
    emptyCache = await mkdtemp(join(os.tmpdir(), 'rs-npm-cache-'));
  });

  afterAll(async () => {
    await removeTestApp(app);
    await rm(emptyCache, { recursive: true, force: true });
  });

  it('names the files written and the command that finishes the job, and exits 1', async () => {
    const result = await ownCli(app, ['gateway', 'chat'], {
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_cache: emptyCache,
      npm_config_fetch_retries: '0',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('CREATE src/chat/chat.gateway.ts');
    expect(result.stdout).toContain('UPDATE package.json');
    const [error] = errorLines(result.stderr).filter((line) => line.startsWith('Error:'));
    expect(error).toMatch(/^Error: the package install failed after these files were written: .+\. Run `npm install` in .+ to finish\.$/);
    expect(error).toContain('src/chat/chat.gateway.ts');
    expect(error).toContain('package.json');
    expect(error).toContain(`. Run \`npm install\` in ${app} to finish.`);
    expect(error).not.toContain('nothing was written');
    // What the message says is on disk is on disk.
    expect(await readText(app, 'src/chat/chat.gateway.ts')).toContain('@WebSocketGateway(');
    expect(JSON.parse(await readText(app, 'package.json')).dependencies['class-validator']).toBeDefined();
  });
});
