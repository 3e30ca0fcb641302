import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AppKind } from '../support/app-recipes';
import { createTestApp, removeTestApp } from '../support/apps';
import { run } from '../support/processes';
import { fileSnapshot } from '../support/snapshots';
import { appBin, succeed } from '../support/commands';

/**
 * Generated and edited files follow whatever Prettier config the app has, without `--format`:
 * each config kind Prettier resolves, on real apps, checked by the app's own `prettier --check`.
 */
const GENERATION: string[][] = [['init', '--skip-install'], ['feature', 'chat'], ['redis-adapter']];

interface ConfigKind {
  name: string;
  /** Files written at the app's root (null: removed, e.g. the `.prettierrc` of `nest new`). */
  files: Record<string, string | null>;
  /** A line of the generated gateway that only this config prints. */
  gatewayLine: RegExp;
}

const CONFIG_KINDS: ConfigKind[] = [
  {
    name: '.prettierrc in JSON with a comment and a trailing comma',
    // `.prettierrc` is read as YAML, of which this JSON is a part (a `//` comment is not: see below).
    files: { '.prettierrc': '# The team style\n{\n  "singleQuote": true,\n  "semi": false,\n  "printWidth": 100,\n}\n' },
    gatewayLine: /from '@nestjs\/websockets'$/m,
  },
  {
    name: '.prettierrc in YAML',
    files: { '.prettierrc': 'singleQuote: true\nuseTabs: true\n' },
    gatewayLine: /^\t@SubscribeMessage\('message'\)$/m,
  },
  {
    name: '.prettierrc.json5',
    files: { '.prettierrc': null, '.prettierrc.json5': '{\n  // Prettier defaults, wider\n  printWidth: 120,\n  semi: false,\n}\n' },
    gatewayLine: /from "@nestjs\/websockets"$/m,
  },
  {
    name: '.prettierrc.yaml',
    files: { '.prettierrc': null, '.prettierrc.yaml': 'singleQuote: true\ntabWidth: 4\n' },
    gatewayLine: /^ {4}@SubscribeMessage\('message'\)$/m,
  },
  {
    name: 'prettier.config.mjs',
    files: { '.prettierrc': null, 'prettier.config.mjs': "export default { singleQuote: true, semi: false, trailingComma: 'es5', useTabs: true };\n" },
    gatewayLine: /^\t@SubscribeMessage\('message'\)$/m,
  },
  {
    name: 'the "prettier" key of package.json',
    files: { '.prettierrc': null },
    gatewayLine: /from "@nestjs\/websockets";$/m,
  },
  {
    name: '.editorconfig beside the `nest new` .prettierrc',
    files: { '.editorconfig': 'root = true\n\n[*]\nindent_style = tab\nmax_line_length = 120\n' },
    gatewayLine: /^\t@SubscribeMessage\('message'\)$/m,
  },
];

/** Every app the file's tests make, removed at the end. */
const apps: string[] = [];
afterAll(() => Promise.all(apps.map(removeTestApp)));
async function newApp(kind: AppKind = 'nest12-esm'): Promise<string> {
  apps.push(await createTestApp(kind));
  return apps[apps.length - 1];
}

/** The files an own-CLI run reports as created or updated. */
const written = (output: string) => [...output.matchAll(/^(?:CREATE|UPDATE) (\S+)/gm)].map(([, file]) => file);

async function writeConfig(app: string, kind: ConfigKind): Promise<void> {
  for (const [file, text] of Object.entries(kind.files)) {
    if (text === null) rmSync(join(app, file));
    else writeFileSync(join(app, file), text);
  }
  if (kind.name.includes('package.json')) {
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ ...manifest, prettier: { printWidth: 100, semi: true } }, null, 2) + '\n');
  }
}

/** Runs init, feature and redis-adapter through the own CLI, without --format; the files they wrote. */
async function generate(app: string): Promise<string[]> {
  const files = new Set<string>();
  for (const args of GENERATION) {
    const result = await succeed(app, appBin(app, 'realtime-schematics'), args);
    written(result.stdout).forEach((file) => files.add(file));
  }
  return [...files];
}

async function prettierCheck(app: string, files: string[]) {
  // --ignore-unknown: `.env.example` has no Prettier parser (and is not formatted by us either).
  return run(appBin(app, 'prettier'), ['--check', '--ignore-unknown', ...files], { cwd: app });
}

describe.each<[AppKind, ConfigKind[]]>([
  ['nest12-esm', CONFIG_KINDS],
  // A CommonJS app (Nest 11, eslint with eslint-plugin-prettier): two of the kinds.
  ['nest11-cjs', CONFIG_KINDS.filter((kind) => kind.name === '.prettierrc in YAML' || kind.name.includes('package.json'))],
])('generated and edited files in a %s app follow its Prettier config', (appKind, kinds) => {
  it.each(kinds.map((kind) => [kind.name, kind] as const))('%s', async (_name, kind) => {
    const app = await newApp(appKind);
    await writeConfig(app, kind);
    // The team's code already follows its config, as it does where a config is in use (and what
    // this run edits is formatted only then).
    await succeed(app, appBin(app, 'prettier'), ['--write', 'src', 'test', 'package.json']);

    const files = await generate(app);
    expect(files).toEqual(expect.arrayContaining(['realtime.json', 'src/chat/chat.gateway.ts', 'src/app.module.ts', 'src/main.ts']));
    const check = await prettierCheck(app, files);
    expect({ code: check.code, output: check.stdout + check.stderr }).toEqual({ code: 0, output: expect.stringContaining('All matched files use Prettier code style!') });
    // Not the `nest new` layout the templates are written in.
    expect(readFileSync(join(app, 'src/chat/chat.gateway.ts'), 'utf8')).toMatch(kind.gatewayLine);

    // A rerun recognises its own, formatted output: nothing to do, nothing changed.
    const before = await fileSnapshot(app);
    const rerun = await succeed(app, appBin(app, 'realtime-schematics'), ['feature', 'chat']);
    expect(rerun.stdout).toContain('Nothing to be done.');
    expect(await fileSnapshot(app)).toEqual(before);
  });
});

describe('Prettier configs in a nest12-esm app: edited files, the nest new default, rejected configs', () => {
  it("never reformats an edited file that did not follow the config before: it gets the run's insertions only", async () => {
    const [app, nestNew] = [await newApp(), await newApp()];
    // app.module.ts and main.ts stay as `nest new` wrote them (with semicolons).
    writeFileSync(join(app, '.prettierrc'), 'singleQuote: true\nsemi: false\n');
    const files = await generate(app);
    await generate(nestNew);

    // Edited exactly as in an app with the `nest new` config, where no file is formatted.
    const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
    for (const file of ['src/app.module.ts', 'src/main.ts']) {
      expect({ file, text: read(app, file) }).toEqual({ file, text: read(nestNew, file) });
    }
    expect(read(app, 'src/app.module.ts')).toContain('ChatModule');
    // The files it created do follow the config.
    const created = files.filter((file) => !['src/app.module.ts', 'src/main.ts'].includes(file));
    expect(created).toContain('src/chat/chat.gateway.ts');
    expect((await prettierCheck(app, created)).code).toBe(0);
    expect(read(app, 'src/chat/chat.gateway.ts')).not.toBe(read(nestNew, 'src/chat/chat.gateway.ts'));
  });

  it('through `nest g -c` too: the Nest CLI runs the schematic at the app root, where Prettier finds the config', async () => {
    const app = await newApp();
    writeFileSync(join(app, '.prettierrc'), 'singleQuote: true\nuseTabs: true\n');
    await succeed(app, appBin(app, 'prettier'), ['--write', 'src', 'test']);
    const result = await succeed(app, appBin(app, 'nest'), ['g', '-c', 'realtime-schematics', 'gateway', 'chat']);
    // `nest g` exits 0 even when the schematic fails: the files are checked.
    const files = written(result.stdout);
    expect(files).toEqual(expect.arrayContaining(['src/chat/chat.gateway.ts', 'src/app.module.ts']));
    expect((await prettierCheck(app, files)).code).toBe(0);
    expect(readFileSync(join(app, 'src/chat/chat.gateway.ts'), 'utf8')).toMatch(/^\t@SubscribeMessage\('message'\)$/m);
  });

  it('in the `nest new` default app the generated files are clean and Prettier never formatted one, for a long feature name too', async () => {
    const app = await newApp();
    // The Prettier our installed package loads: its printers (estree prints TypeScript and JSON)
    // are replaced by a module that throws, so a single formatted file fails the run. Renamed, not
    // edited: node_modules is hard-linked to the cached template app.
    const prettierDir = dirname(createRequire(join(app, 'node_modules/realtime-schematics/package.json')).resolve('prettier/package.json'));
    const printer = join(prettierDir, 'plugins/estree.mjs');
    renameSync(printer, `${printer}.real`);
    writeFileSync(printer, "throw new Error('Prettier printed a file');\n");
    // Lines that hold a name grow with it (`new Logger(CustomerSupportConversationsNotifier.name)`):
    // the templates lay them out by length, as Prettier would.
    const LONG_NAME = 'customer-support-conversations';
    let files: string[];
    try {
      files = await generate(app);
      const long = await succeed(app, appBin(app, 'realtime-schematics'), ['feature', LONG_NAME]);
      files.push(...written(long.stdout));
    } finally {
      rmSync(printer);
      renameSync(`${printer}.real`, printer);
    }
    expect(files).toEqual(expect.arrayContaining(['realtime.json', 'src/chat/chat.gateway.ts', `src/${LONG_NAME}/${LONG_NAME}.notifier.ts`, 'src/app.module.ts', 'src/main.ts']));
    const check = await prettierCheck(app, [...new Set(files)]);
    expect({ code: check.code, output: check.stdout + check.stderr }).toEqual({ code: 0, output: expect.stringContaining('All matched files use Prettier code style!') });
    expect(readFileSync(join(app, `src/${LONG_NAME}/${LONG_NAME}.notifier.ts`), 'utf8')).toContain(
      '  private readonly logger = new Logger(\n    CustomerSupportConversationsNotifier.name,\n  );\n',
    );
  });

  it('a later run brings a formatted generated spec up to date: `client` puts the e2e specs of a tab-indented app on the typed client', async () => {
    const app = await newApp();
    writeFileSync(join(app, '.prettierrc'), 'singleQuote: true\nuseTabs: true\n');
    await succeed(app, appBin(app, 'prettier'), ['--write', 'src', 'test']);
    await succeed(app, appBin(app, 'realtime-schematics'), ['init', '--skip-install']);
    const conventions = JSON.parse(readFileSync(join(app, 'realtime.json'), 'utf8'));
    writeFileSync(join(app, 'realtime.json'), JSON.stringify({ ...conventions, client: { ...conventions.client, enabled: false } }, null, 2) + '\n');
    await succeed(app, appBin(app, 'realtime-schematics'), ['feature', 'chat']);
    const specs = ['test/chat.gateway.e2e-spec.ts', 'test/chat.notifier.e2e-spec.ts'];
    for (const spec of specs) expect(readFileSync(join(app, spec), 'utf8')).toMatch(/^\t+.*io\(/m);

    const client = await succeed(app, appBin(app, 'realtime-schematics'), ['client', 'chat']);
    expect(client.stdout + client.stderr).not.toContain('WARNING');
    expect(written(client.stdout)).toEqual(expect.arrayContaining(['src/chat/chat.client.ts', ...specs]));
    for (const spec of specs) expect(readFileSync(join(app, spec), 'utf8')).toContain('createChatClient');
    expect((await prettierCheck(app, written(client.stdout))).code).toBe(0);
  });

  it.each([
    ['.prettierrc', '// JSON comments are not YAML, and Prettier reads .prettierrc as YAML\n{ "semi": false }\n'],
    ['.prettierrc.yaml', 'semi: false\n  useTabs: true\n'],
  ])('a %s that Prettier rejects stops the run with one line naming it, and nothing is written', async (file, text) => {
    const app = await newApp();
    // `nest new`'s .prettierrc would be found first.
    rmSync(join(app, '.prettierrc'));
    writeFileSync(join(app, file), text);
    const before = await fileSnapshot(app);
    const result = await run(appBin(app, 'realtime-schematics'), ['gateway', 'chat'], { cwd: app, env: { CI: 'true', NO_COLOR: '1' } });
    expect(result.code).toBe(1);
    const output = (result.stdout + result.stderr).trim();
    expect(output.split('\n')).toEqual([expect.stringMatching(new RegExp(`^Error: ${file.replace('.', '\\.')} is not a valid Prettier configuration: .+; nothing was written\\.$`))]);
    expect(await fileSnapshot(app)).toEqual(before);
    expect(existsSync(join(app, 'src/chat'))).toBe(false);
  });
});
