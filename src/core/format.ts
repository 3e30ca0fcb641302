import { Rule, Tree } from '@angular-devkit/schematics';
import { join } from 'node:path';
import type { Options } from 'prettier';

const JSON_CONFIG_FILES = ['/.prettierrc', '/.prettierrc.json'];

/**
 * The app's Prettier options written as JSON (`.prettierrc`, `.prettierrc.json`, package.json's
 * "prettier" key), read from the tree so dry runs and tests see them; undefined for other formats.
 */
export function readPrettierJsonConfig(tree: Tree): Options | undefined {
  for (const path of JSON_CONFIG_FILES.filter((file) => tree.exists(file))) {
    const text = tree.readText(path).trim();
    // `.prettierrc` may also be YAML; only a JSON object is read here.
    if (text.startsWith('{')) return JSON.parse(text) as Options;
  }
  const packageJson = tree.exists('/package.json') ? (JSON.parse(tree.readText('/package.json')) as { prettier?: unknown }) : {};
  return typeof packageJson.prettier === 'object' && packageJson.prettier ? (packageJson.prettier as Options) : undefined;
}

/** The app's own Prettier options; formats other than JSON (.prettierrc.yaml, prettier.config.js, …) are resolved by Prettier from disk. */
async function appPrettierOptions(tree: Tree, prettier: typeof import('prettier')): Promise<Options> {
  return readPrettierJsonConfig(tree) ?? (await prettier.resolveConfig(join(process.cwd(), 'package.json'), { editorconfig: true })) ?? {};
}

/** Runs Prettier, with the app's configuration, on every TypeScript file this run created or changed. */
export function formatChangedFiles(): Rule {
  return async (tree: Tree) => {
    // Loaded only when asked for: Prettier is the slowest module to load.
    const prettier = await import('prettier');
    const options = await appPrettierOptions(tree, prettier);
    const changed = new Set(
      tree.actions.filter((action) => action.kind === 'c' || action.kind === 'o').map((action) => action.path as string),
    );
    for (const path of [...changed].filter((file) => file.endsWith('.ts') && tree.exists(file))) {
      const text = tree.readText(path);
      const formatted = await prettier.format(text, { ...options, filepath: path });
      if (formatted !== text) tree.overwrite(path, formatted);
    }
  };
}
