import { Rule, SchematicContext, Tree } from '@angular-devkit/schematics';
import { NodePackageInstallTask } from '@angular-devkit/schematics/tasks';
import { applyEdits, modify } from 'jsonc-parser';
import { PackageJson, declaredMajor, readJsonFile } from './app-context';
import manifest from './versions.json';

export type DependencyName = keyof (typeof manifest)['byNestMajor']['12'] | keyof (typeof manifest)['common'];

export interface DependencyRequest {
  name: DependencyName;
  dev?: boolean;
}

const LATEST_NEST_MAJOR = '12';

/** What every generated gateway, guard and filter imports at runtime. */
export const WEBSOCKET_DEPENDENCIES: DependencyRequest[] = [
  { name: '@nestjs/websockets' },
  { name: '@nestjs/platform-socket.io' },
  { name: 'socket.io' },
  { name: 'class-validator' },
];

/** The version to write for a package, consistent with the app's Nest major (one manifest). */
export function versionFor(tree: Tree, name: DependencyName, nestMajor: number | undefined): string {
  if (name === 'socket.io') {
    const installed = tree.exists('/node_modules/@nestjs/platform-socket.io/package.json')
      ? readJsonFile<PackageJson>(tree, '/node_modules/@nestjs/platform-socket.io/package.json')?.dependencies?.['socket.io']
      : undefined;
    if (installed) return installed;
  }
  const byMajor = manifest.byNestMajor as Record<string, Record<string, string>>;
  const forMajor = byMajor[String(nestMajor)] ?? byMajor[LATEST_NEST_MAJOR];
  return forMajor[name] ?? (manifest.common as Record<string, string>)[name];
}

/**
 * Adds the packages the generated code needs to package.json when they are missing (a version the
 * user already declared is never replaced), keeping the file's formatting, and schedules a single
 * install task when something was added.
 */
export function addDependencies(requests: DependencyRequest[], options: { skipInstall?: boolean }): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const packageJson = readJsonFile<PackageJson>(tree, '/package.json') ?? {};
    const declared = { ...packageJson.dependencies, ...packageJson.devDependencies };
    const nestMajor = declaredMajor(packageJson, '@nestjs/core');
    let text = tree.readText('/package.json');
    const missing = requests.filter(({ name }) => !declared[name]);
    for (const { name, dev } of missing) {
      const section = dev ? 'devDependencies' : 'dependencies';
      const edits = modify(text, [section, name], versionFor(tree, name, nestMajor), {
        formattingOptions: { insertSpaces: true, tabSize: 2 },
        // Keep each section alphabetical, as npm does.
        getInsertionIndex: (keys) => keys.filter((key) => key < name).length,
      });
      text = applyEdits(text, edits);
    }
    if (missing.length === 0) return;
    tree.overwrite('/package.json', text);
    if (!options.skipInstall) {
      context.addTask(new NodePackageInstallTask());
    }
  };
}
