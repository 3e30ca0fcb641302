import { normalize, virtualFs } from '@angular-devkit/core';
import { NodeJsSyncHost } from '@angular-devkit/core/node';
import { HostTree, Rule, Tree, callRule } from '@angular-devkit/schematics';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Options } from 'prettier';
import { lastValueFrom } from 'rxjs';
import { decide, formatAsCreated, formatForApp, isNestNewStyle } from './format';

// The same text in the `nest new` style (what templates and AST edits write) and in another one.
const NEST_STYLE = "import { Module } from '@nestjs/common';\n\n@Module({\n  providers: [],\n})\nexport class AppModule {}\n";
const NO_SEMI_TABS = "import { Module } from '@nestjs/common'\n\n@Module({\n\tproviders: [],\n})\nexport class AppModule {}\n";
const NEST_PRETTIERRC = '{\n  "singleQuote": true,\n  "trailingComma": "all"\n}\n';

/**
 * An app on disk (Prettier resolves configs from disk) and a tree over it, as the CLI builds one: files
 * the rule sees as created are `tree.create`d, edited ones `tree.overwrite`n over their disk content.
 */
function appOnDisk(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'format-spec-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const tree = new HostTree(new virtualFs.ScopedHost(new NodeJsSyncHost(), normalize(root)));
  return { root, tree };
}

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function applyRule(rule: Rule, tree: Tree): Promise<void> {
  await lastValueFrom(callRule(rule, tree, {} as never), { defaultValue: undefined });
}

describe('formatForApp', () => {
  it('formats nothing in an app without a Prettier config: the templates are in the `nest new` style', async () => {
    const { root, tree } = appOnDisk({ 'package.json': '{ "name": "app" }\n' });
    tree.create('/src/chat/chat.module.ts', NO_SEMI_TABS);
    await applyRule(formatForApp({ format: false, root }), tree);
    expect(tree.readText('/src/chat/chat.module.ts')).toBe(NO_SEMI_TABS);
  });

  it.each([
    ['.prettierrc', NEST_PRETTIERRC],
    ['.prettierrc.yaml', 'singleQuote: true\n'],
    // Prettier's defaults spelled out, and an .editorconfig that agrees with them.
    ['.prettierrc.json', '{ "singleQuote": true, "semi": true, "printWidth": 80 }\n'],
    ['.editorconfig', '[*]\nindent_style = space\nindent_size = 2\n'],
  ])('formats nothing when the config (%s) resolves to the `nest new` options', async (file, text) => {
    const { root, tree } = appOnDisk({ '.prettierrc': NEST_PRETTIERRC, [file]: text });
    // Not clean under that config, so a formatting run would show.
    tree.create('/src/chat/chat.module.ts', NO_SEMI_TABS);
    await applyRule(formatForApp({ format: false, root }), tree);
    expect(tree.readText('/src/chat/chat.module.ts')).toBe(NO_SEMI_TABS);
  });

  it('formats every created file under any other config, with the options Prettier resolves for it', async () => {
    const { root, tree } = appOnDisk({ '.prettierrc': '# the team style\n{ "singleQuote": true, "semi": false, "useTabs": true, }\n' });
    tree.create('/src/chat/chat.module.ts', NEST_STYLE);
    tree.create('/realtime.json', '{\n  "auth": { "enabled": true }\n}\n');
    await applyRule(formatForApp({ format: false, root }), tree);
    expect(tree.readText('/src/chat/chat.module.ts')).toBe(NO_SEMI_TABS);
    expect(tree.readText('/realtime.json')).toBe('{\n\t"auth": { "enabled": true }\n}\n');
  });

  it('formats an edited file only when it was Prettier-clean before the run', async () => {
    const userLayout = NEST_STYLE.replace('providers: [],', 'providers: [  ],');
    const { root, tree } = appOnDisk({ '.prettierrc.yaml': 'singleQuote: true\nsemi: false\nuseTabs: true\n', 'src/clean.module.ts': NO_SEMI_TABS, 'src/user.module.ts': userLayout });
    // What our AST edits leave: an insertion in the `nest new` style.
    const insertion = "import { ChatModule } from './chat/chat.module';\n";
    tree.overwrite('/src/clean.module.ts', insertion + NO_SEMI_TABS);
    tree.overwrite('/src/user.module.ts', insertion + userLayout);
    await applyRule(formatForApp({ format: false, root }), tree);
    expect(tree.readText('/src/clean.module.ts')).toBe("import { ChatModule } from './chat/chat.module'\n" + NO_SEMI_TABS);
    expect(tree.readText('/src/user.module.ts')).toBe(insertion + userLayout);
  });

  it('resolves the config of each file: a project with its own config in a monorepo', async () => {
    const { root, tree } = appOnDisk({ '.prettierrc': NEST_PRETTIERRC, 'apps/other/.prettierrc.json5': "{ singleQuote: true, semi: false, useTabs: true, }\n" });
    tree.create('/apps/api/src/chat/chat.module.ts', NEST_STYLE);
    tree.create('/apps/other/src/chat/chat.module.ts', NEST_STYLE);
    await applyRule(formatForApp({ format: false, root }), tree);
    expect(tree.readText('/apps/api/src/chat/chat.module.ts')).toBe(NEST_STYLE);
    expect(tree.readText('/apps/other/src/chat/chat.module.ts')).toBe(NO_SEMI_TABS);
  });

  it('leaves files Prettier has no parser for or that the app ignores, as `prettier --check` does', async () => {
    const { root, tree } = appOnDisk({ '.prettierrc': 'semi: false\n', '.prettierignore': 'src/generated/\n' });
    tree.create('/.env.example', 'JWT_SECRET=\n');
    tree.create('/src/generated/chat.module.ts', NEST_STYLE);
    await applyRule(formatForApp({ format: false, root }), tree);
    expect(tree.readText('/.env.example')).toBe('JWT_SECRET=\n');
    expect(tree.readText('/src/generated/chat.module.ts')).toBe(NEST_STYLE);
  });

  it('formats a file of an unknown extension when the config names its parser', async () => {
    const { root, tree } = appOnDisk({ '.prettierrc.json': JSON.stringify({ semi: false, useTabs: true, singleQuote: true, overrides: [{ files: '*.tmpl', options: { parser: 'typescript' } }] }) });
    tree.create('/src/chat/chat.module.tmpl', NEST_STYLE);
    await applyRule(formatForApp({ format: false, root }), tree);
    expect(tree.readText('/src/chat/chat.module.tmpl')).toBe(NO_SEMI_TABS);
  });

  it('with `format`, formats every created and edited file, with Prettier defaults when there is no config', async () => {
    const userLayout = NEST_STYLE.replace('providers: [],', 'providers: [  ],');
    const { root, tree } = appOnDisk({ 'src/app.module.ts': userLayout });
    tree.create('/src/chat/chat.module.ts', NEST_STYLE);
    tree.overwrite('/src/app.module.ts', userLayout + '\n');
    await applyRule(formatForApp({ format: true, root }), tree);
    const doubleQuoted = NEST_STYLE.replace("'@nestjs/common'", '"@nestjs/common"');
    expect(tree.readText('/src/chat/chat.module.ts')).toBe(doubleQuoted);
    expect(tree.readText('/src/app.module.ts')).toBe(doubleQuoted);
  });

  it.each([
    ['.prettierrc', '// a JSON comment is not YAML\n{ "semi": false }\n', 'Implicit keys need to be on a single line at line 1, column 1'],
    ['.prettierrc.json', '{ "semi": false, }\n', 'Expected double-quoted property name in JSON at position 17'],
    ['.prettierrc.yaml', 'semi: false\n  useTabs: true\n', 'Nested mappings are not allowed in compact mappings at line 1, column 7'],
  ])('refuses a config Prettier rejects (%s) with one line naming it', async (file, text, reason) => {
    const { root, tree } = appOnDisk({ [file]: text });
    tree.create('/src/chat/chat.module.ts', NEST_STYLE);
    const error = await applyRule(formatForApp({ format: false, root }), tree).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    // Node's JSON.parse message may add "(line 1 column 18)" after the position.
    expect((error as Error).message).toMatch(new RegExp(`^${escape(`${file} is not a valid Prettier configuration: ${reason}`)}[^\n]*; nothing was written\\.$`));
  });

  it('asks Prettier nothing when the run changed no file: even a broken config does not stop it', async () => {
    const { root, tree } = appOnDisk({ '.prettierrc': '{ "semi": false,, }' });
    await expect(applyRule(formatForApp({ format: false, root }), tree)).resolves.toBeUndefined();
  });
});

describe('isNestNewStyle', () => {
  it.each([
    [{ singleQuote: true, trailingComma: 'all' }, true],
    // trailingComma "all" is Prettier 3's default.
    [{ singleQuote: true }, true],
    [{ singleQuote: true, semi: true, tabWidth: 2, useTabs: false, endOfLine: 'lf' }, true],
    [{}, false],
    [{ singleQuote: true, printWidth: 100 }, false],
    [{ singleQuote: true, trailingComma: 'es5' }, false],
    [{ singleQuote: true, plugins: ['prettier-plugin-organize-imports'] }, false],
    [{ singleQuote: true, somePluginOption: true }, false],
  ] as Array<[Options, boolean]>)('%j → %s', async (config, expected) => {
    expect(await isNestNewStyle(await import('prettier'), config)).toBe(expected);
  });
});

describe('decide', () => {
  const prettier = import('prettier');
  const never = async () => {
    throw new Error('the previous content was read although it decides nothing');
  };

  it.each([
    [{ format: true, config: null, created: false, before: never }, 'format'],
    [{ format: false, config: null, created: true, before: never }, 'skip: no config'],
    [{ format: false, config: { singleQuote: true }, created: true, before: never }, 'skip: nest new style'],
    [{ format: false, config: { semi: false }, created: true, before: never }, 'format'],
    [{ format: false, config: { semi: false }, created: false, before: async () => true }, 'format'],
    [{ format: false, config: { semi: false }, created: false, before: async () => false }, 'skip: not clean before'],
  ])('%j → %s', async (file, expected) => {
    expect(await decide(await prettier, file)).toBe(expected);
  });
});

describe('formatAsCreated', () => {
  it('gives what formatForApp writes for a created file, so a rerun can recognise its own output', async () => {
    const { root, tree } = appOnDisk({ '.prettierrc.yaml': 'semi: false\nuseTabs: true\nsingleQuote: true\n' });
    tree.create('/src/chat/chat.module.ts', NEST_STYLE);
    await applyRule(formatForApp({ format: false, root }), tree);
    expect(await formatAsCreated('/src/chat/chat.module.ts', NEST_STYLE, { format: false, root })).toBe(tree.readText('/src/chat/chat.module.ts'));
    expect(tree.readText('/src/chat/chat.module.ts')).toBe(NO_SEMI_TABS);
  });

  it('leaves the text as it is where nothing is formatted', async () => {
    const { root } = appOnDisk({ '.prettierrc': NEST_PRETTIERRC });
    expect(await formatAsCreated('src/chat/chat.module.ts', NO_SEMI_TABS, { format: false, root })).toBe(NO_SEMI_TABS);
  });
});
