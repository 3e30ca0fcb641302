import { Rule, SchematicContext, Tree } from '@angular-devkit/schematics';
import { NodePackageInstallTask } from '@angular-devkit/schematics/tasks';
import { applyEdits, modify } from 'jsonc-parser';
import { PackageJson, declaredMajor, detectPackageManager, readJsonFile } from './app-context';
import manifest from './versions.json';

export type DependencyName = keyof (typeof manifest)['byNestMajor']['12'] | keyof (typeof manifest)['common'];

export interface DependencyRequest {
  name: DependencyName;
  dev?: boolean;
}

const LATEST_NEST_MAJOR = '12';

/** Nest majors the manifest has versions for (and the e2e tests cover). */
export const SUPPORTED_NEST_MAJORS = Object.keys(manifest.byNestMajor).map(Number);

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
 * user already declared is never replaced), keeping the file's formatting, and schedules the install
 * when it added something.
 */
export function addDependencies(requests: DependencyRequest[], options: { skipInstall?: boolean }): Rule {
  return (tree: Tree) => {
    const before = tree.readText('/package.json');
    const packageJson = readJsonFile<PackageJson>(tree, '/package.json') ?? {};
    const declared = { ...packageJson.dependencies, ...packageJson.devDependencies };
    const nestMajor = declaredMajor(packageJson, '@nestjs/core');
    let text = before;
    for (const { name, dev } of requests.filter((request) => !declared[request.name])) {
      const section = dev ? 'devDependencies' : 'dependencies';
      const edits = modify(text, [section, name], versionFor(tree, name, nestMajor), {
        formattingOptions: { insertSpaces: true, tabSize: 2 },
        // Keep each section alphabetical, as npm does.
        getInsertionIndex: (keys) => keys.filter((key) => key < name).length,
      });
      text = applyEdits(text, edits);
    }
    if (text !== before) tree.overwrite('/package.json', text);
    return installIfChanged(before, options);
  };
}

/**
 * The one install task of a run, with the app's package manager, when package.json differs from
 * `before`. A composite runs its building blocks with `skipInstall` and ends with this, comparing
 * against package.json as it was when the composite started.
 */
export function installIfChanged(before: string, options: { skipInstall?: boolean }): Rule {
  return (tree: Tree, context: SchematicContext) => {
    if (!options.skipInstall && tree.readText('/package.json') !== before) {
      context.addTask(new NodePackageInstallTask({ packageManager: detectPackageManager(tree) }));
    }
  };
}
