import { Rule, SchematicsException, Tree } from '@angular-devkit/schematics';
import { isDeepStrictEqual } from 'node:util';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Options } from 'prettier';

type Prettier = typeof import('prettier');

export interface FormatOptions {
  /** `--format`: run Prettier on every file the run created or edited, whatever the config. */
  format: boolean;
  /**
   * The workspace root on disk, where Prettier looks for the app's config and where the edited files'
   * previous content is. Every entry point (own CLI, `nest g`, `schematics`) runs at the workspace
   * root, so `process.cwd()` unless a test says otherwise.
   */
  root?: string;
}

/** What `nest new` writes into `.prettierrc`: the style the templates and AST edits are written in. */
export const NEST_NEW_PRETTIER_OPTIONS: Options = { singleQuote: true, trailingComma: 'all' };

/** Why a file is (or is not) run through Prettier; exported for the unit specs. */
export type FormatDecision = 'format' | 'skip: no config' | 'skip: nest new style' | 'skip: not clean before';

/**
 * Makes the files this run created or edited Prettier-clean under the configuration Prettier itself
 * resolves for each of them (`.prettierrc` as JSON or YAML, `.prettierrc.*`, `prettier.config.*`,
 * package.json's "prettier", `.editorconfig`), so they pass the app's own `prettier --check`:
 * - no config, or one that resolves to the `nest new` options: nothing to do, the templates are
 *   written in that style;
 * - any other config: every created file is formatted; an edited file (a module, `main.ts`) only
 *   when it was Prettier-clean before this run, so code the user keeps in another layout is never
 *   reformatted (our insertions then follow the `nest new` style);
 * - `format` (`--format`): every created or edited file is formatted.
 * Files Prettier has no parser for (`.env.example`) or that the app's `.prettierignore`/`.gitignore`
 * exclude are left alone, as `prettier --check` leaves them. A config Prettier rejects stops the
 * run before anything is written, with one line naming the file.
 */
export function formatForApp(options: FormatOptions): Rule {
  return async (tree: Tree) => {
    for (const { path, created } of changedFiles(tree)) {
      const text = tree.readText(path);
      const formatted = await formatFile(path, text, { ...options, created });
      if (formatted !== text) tree.overwrite(path, formatted);
    }
  };
}

/**
 * The text `formatForApp` leaves in a file this run creates at `path` (workspace-relative): for
 * telling a rerun's output from a generated file the user changed, in an app whose config has
 * Prettier reformat what the templates write.
 */
export function formatAsCreated(path: string, text: string, options: FormatOptions): Promise<string> {
  return formatFile(path.replace(/^\//, ''), text, { ...options, created: true });
}

async function formatFile(path: string, text: string, options: FormatOptions & { created: boolean }): Promise<string> {
  const root = options.root ?? process.cwd();
  const file = join(root, path);
  // Loaded only now: Prettier is the slowest module the CLI loads (about 35 ms, its TypeScript
  // printer about 60 ms more on first use, then time in proportion to the code it formats).
  const prettier = await import('prettier');
  const config = await resolveConfig(prettier, file, root);
  const prettierOptions = { ...config, filepath: file };
  const decision = await decide(prettier, { format: options.format, config, created: options.created, before: () => wasCleanBefore(prettier, file, prettierOptions) });
  if (decision !== 'format') return text;
  // Ignored or without a parser, as `prettier --check` run at the app's root sees it (the config,
  // resolved above, may name the parser).
  const ignorePath = [join(root, '.gitignore'), join(root, '.prettierignore')];
  const info = await prettier.getFileInfo(file, { ignorePath, resolveConfig: false, plugins: config?.plugins });
  if (info.ignored || !(config?.parser ?? info.inferredParser)) return text;
  return prettier.format(text, prettierOptions);
}


/** The rule for one file. `before` says whether an edited file was Prettier-clean before this run; it is asked only when that decides. */
export async function decide(
  prettier: Prettier,
  file: { format: boolean; config: Options | null; created: boolean; before: () => Promise<boolean> },
): Promise<FormatDecision> {
  if (file.format) return 'format';
  if (!file.config) return 'skip: no config';
  if (await isNestNewStyle(prettier, file.config)) return 'skip: nest new style';
  if (file.created || (await file.before())) return 'format';
  return 'skip: not clean before';
}

/**
 * Whether resolved options print exactly like the `nest new` config: each option is compared after
 * dropping the ones set to Prettier's own default (so `.editorconfig`'s `indent_size = 2` or an
 * explicit `"semi": true` changes nothing). Unknown keys (a plugin's options) count as different.
 */
export async function isNestNewStyle(prettier: Prettier, config: Options): Promise<boolean> {
  const defaults = Object.fromEntries((await prettier.getSupportInfo()).options.map((option) => [option.name, option.default]));
  const significant = (options: Options) =>
    Object.fromEntries(Object.entries(options).filter(([key, value]) => !(key in defaults) || !isDeepStrictEqual(value, defaults[key])));
  return isDeepStrictEqual(significant(config), significant(NEST_NEW_PRETTIER_OPTIONS));
}

/** Paths (relative to the workspace) of the files this run created or overwrote, created ones marked. */
function changedFiles(tree: Tree): Array<{ path: string; created: boolean }> {
  return tree.actions
    .filter((action) => (action.kind === 'c' || action.kind === 'o') && tree.exists(action.path))
    .map((action) => ({ path: action.path.replace(/^\//, ''), created: action.kind === 'c' }));
}

/** Prettier's own resolution for one file; a config it rejects becomes one line naming the file. */
async function resolveConfig(prettier: Prettier, file: string, root: string): Promise<Options | null> {
  try {
    return await prettier.resolveConfig(file, { editorconfig: true });
  } catch (error) {
    const configFile = await prettier.resolveConfigFile(file).catch(() => null);
    const name = configFile ? relative(root, configFile) : 'The Prettier configuration';
    throw new SchematicsException(`${name} is not a valid Prettier configuration: ${firstReason(error)}; nothing was written.`);
  }
}

/**
 * Prettier's parse errors read `YAML Error in "<file>":`, then the reason, then a code frame: the
 * reason alone fits on the one line (the file is named by the caller).
 */
function firstReason(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n').map((line) => line.trim()).filter(Boolean);
  const reason = (/ Error in ".*":$/.test(lines[0] ?? '') ? lines[1] : lines[0]) ?? 'unreadable';
  return reason.replace(/:$/, '');
}

/** Whether an edited file was Prettier-clean before this run (its content on disk); false when it cannot be read. */
async function wasCleanBefore(prettier: Prettier, file: string, options: Options): Promise<boolean> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text !== undefined && (await prettier.check(text, options).catch(() => false));
}
