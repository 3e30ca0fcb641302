// The app harness itself: every kind of template app is the app it claims to be, builds, serves
// and stops, before any schematic touches it. When this fails, the e2e failures elsewhere are about
// the harness.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AppKind } from './app-recipes';
import { createTestApp, removeTestApp } from './apps';
import { run, startApp } from './processes';

/**
 * Each kind: its Nest major (the app's @nestjs/core and its own Nest CLI), module system, how it
 * builds with its own Nest CLI, and the file that starts it (in the monorepo: project `other`).
 */
const kinds: [AppKind, { nest: string; type: 'module' | undefined; build: string[]; entry: string }][] = [
  ['nest12-esm', { nest: '12', type: 'module', build: ['build'], entry: 'dist/main.js' }],
  ['nest12-cjs', { nest: '12', type: undefined, build: ['build'], entry: 'dist/main.js' }],
  ['nest11-cjs', { nest: '11', type: undefined, build: ['build'], entry: 'dist/main.js' }],
  ['monorepo', { nest: '12', type: 'module', build: ['build', 'other'], entry: 'dist/apps/other/main.js' }],
];

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe.each(kinds)('%s template app', (kind, expected) => {
  let dir: string;

  beforeAll(async () => {
    dir = await createTestApp(kind, { installPackage: false });
  });

  afterAll(async () => {
    if (dir) await removeTestApp(dir);
  });

  it('is that kind of app: Nest major, its own Nest CLI, module system, every project’s main.ts', async () => {
    const nestCli = await run(path.join(dir, 'node_modules/.bin/nest'), ['--version'], { cwd: dir });
    const major = (version: string) => version.trim().split('.')[0];
    expect({
      core: major(readJson(path.join(dir, 'node_modules/@nestjs/core/package.json')).version),
      cli: major(nestCli.stdout),
      type: readJson(path.join(dir, 'package.json')).type,
    }).toEqual({ core: expected.nest, cli: expected.nest, type: expected.type });
    const config = readJson(path.join(dir, 'nest-cli.json'));
    const sourceRoots = [config.sourceRoot, ...Object.values<{ sourceRoot: string }>(config.projects ?? {}).map((p) => p.sourceRoot)];
    for (const sourceRoot of sourceRoots) expect({ sourceRoot, main: existsSync(path.join(dir, sourceRoot, 'main.ts')) }).toEqual({ sourceRoot, main: true });
  });

  it('builds with its own build, answers GET / and exits on stop', async () => {
    const build = await run(path.join(dir, 'node_modules/.bin/nest'), expected.build, { cwd: dir });
    expect(build).toMatchObject({ code: 0 });

    const app = await startApp(dir, {}, expected.entry);
    try {
      const response = await fetch(`${app.url}/`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('Hello World!');
    } finally {
      await app.stop();
    }
    expect(() => process.kill(app.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });
});
