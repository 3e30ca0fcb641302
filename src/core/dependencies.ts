import { Rule, SchematicContext, Tree } from '@angular-devkit/schematics';
import { NodePackageInstallTask } from '@angular-devkit/schematics/tasks';
import { PackageJson, declaredMajor, detectPackageManager } from './app-context';
import { editJsonFile, readJsonFile } from './json-file';
import manifest from './versions.json';

export { SUPPORTED_NEST_MAJORS } from './app-context';

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
    const installed = readJsonFile<PackageJson>(tree, '/node_modules/@nestjs/platform-socket.io/package.json')?.dependencies?.['socket.io'];
    if (installed) return installed;
  }
  const byMajor = manifest.byNestMajor as Record<string, Record<string, string>>;
  const forMajor = byMajor[String(nestMajor)] ?? byMajor[LATEST_NEST_MAJOR];
  return forMajor[name] ?? (manifest.common as Record<string, string>)[name];
}

/**
 * Adds the packages the generated code needs to package.json when they are missing from every
 * section (a version the user already declared, even as a devDependency, is never replaced). The
 * install is the run's, at its root (see installIfChanged).
 *
 * Not `addDependency` of @schematics/angular: it reprints the whole file (`JSON.stringify`: the final
 * newline is lost, a file not indented by two spaces is re-indented, the user's own key order in the
 * section is re-sorted) and its `Skip` looks at one section only. `JSONFile` inserts each entry in
 * alphabetical place, as npm would, and leaves every other line alone.
 */
export function addDependencies(requests: DependencyRequest[]): Rule {
  return (tree: Tree) => {
    const packageJson = readJsonFile<PackageJson>(tree, '/package.json') ?? {};
    const declared = { ...packageJson.dependencies, ...packageJson.devDependencies };
    const nestMajor = declaredMajor(packageJson, '@nestjs/core');
    const file = editJsonFile(tree, '/package.json');
    for (const { name, dev } of requests.filter((request) => !declared[request.name])) {
      file.modify([dev ? 'devDependencies' : 'dependencies', name], versionFor(tree, name, nestMajor));
    }
  };
}

/**
 * The one install task of a run, with the app's package manager, when package.json differs from
 * `before`: the run wrapper (core/run.ts) adds it at the root of every run, after the schematic
 * and every building block it called, comparing against package.json as the run found it.
 */
export function installIfChanged(before: string, options: { skipInstall?: boolean }): Rule {
  return (tree: Tree, context: SchematicContext) => {
    if (!options.skipInstall && tree.readText('/package.json') !== before) {
      context.addTask(new NodePackageInstallTask({ packageManager: detectPackageManager(tree) }));
    }
  };
}
