import { SchematicsException, Tree } from '@angular-devkit/schematics';
import { posix } from 'node:path';

/** Everything a schematic needs to know about the app it writes into, resolved once per run. */
export interface AppContext {
  /** Folder of the project inside the workspace ('' for a standard app, `apps/<name>` in a monorepo). */
  projectRoot: string;
  /** Folder of the project's sources, relative to the workspace root (e.g. `src`, `apps/other/src`). */
  sourceRoot: string;
  /** Folder of the project's e2e specs (`test` beside the source root). */
  e2eRoot: string;
  /** ESM apps (`"type": "module"`) need an explicit `.js` suffix on every relative import. */
  moduleSystem: 'esm' | 'cjs';
  /** Suffix written at the end of every relative import specifier: `.js` in ESM, nothing in CommonJS. */
  importSuffix: '' | '.js';
  testRunner: 'vitest' | 'jest';
  /** Major version of @nestjs/core declared in package.json; undefined when it is not declared. */
  nestMajor: number | undefined;
}

interface NestCliProject {
  root?: string;
  sourceRoot?: string;
}

interface NestCliConfig {
  sourceRoot?: string;
  root?: string;
  projects?: Record<string, NestCliProject>;
}

export interface PackageJson {
  type?: string;
  packageManager?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export function readJsonFile<T>(tree: Tree, path: string): T | undefined {
  const text = tree.readText(path);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new SchematicsException(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function readOptionalJson<T>(tree: Tree, path: string): T | undefined {
  return tree.exists(path) ? readJsonFile<T>(tree, path) : undefined;
}

/**
 * Resolves the app once: which project (monorepo `-p`), where its sources live, how it imports
 * (ESM or CommonJS), which test runner its specs use and which Nest major it runs.
 * `sourceRoot` given by the caller (the Nest CLI always passes one) wins over nest-cli.json.
 */
export function resolveAppContext(tree: Tree, options: { project?: string; sourceRoot?: string }): AppContext {
  const nestCli = readOptionalJson<NestCliConfig>(tree, '/nest-cli.json') ?? {};
  const project = resolveProject(nestCli, options.project);
  const sourceRoot = normalizeFolder(options.sourceRoot ?? project.sourceRoot ?? nestCli.sourceRoot ?? 'src');
  const projectRoot = normalizeFolder(project.root ?? posix.dirname(sourceRoot));

  const packageJson = readOptionalJson<PackageJson>(tree, '/package.json');
  if (!packageJson) {
    throw new SchematicsException('No package.json found: run this command at the root of a Nest app.');
  }
  const moduleSystem = packageJson.type === 'module' ? 'esm' : 'cjs';
  return {
    projectRoot,
    sourceRoot,
    e2eRoot: posix.join(projectRoot || '.', 'test').replace(/^\.\//, ''),
    moduleSystem,
    importSuffix: moduleSystem === 'esm' ? '.js' : '',
    testRunner: detectTestRunner(packageJson, moduleSystem),
    nestMajor: declaredMajor(packageJson, '@nestjs/core'),
  };
}

function resolveProject(nestCli: NestCliConfig, projectName: string | undefined): NestCliProject {
  if (!projectName) {
    return {};
  }
  const project = nestCli.projects?.[projectName];
  if (!project) {
    const known = Object.keys(nestCli.projects ?? {});
    throw new SchematicsException(
      `Project "${projectName}" is not in nest-cli.json` + (known.length ? ` (projects: ${known.join(', ')}).` : ' (it has no projects).'),
    );
  }
  return project;
}

function detectTestRunner(packageJson: PackageJson, moduleSystem: 'esm' | 'cjs'): 'vitest' | 'jest' {
  const declared = { ...packageJson.dependencies, ...packageJson.devDependencies };
  if (declared.vitest) return 'vitest';
  if (declared.jest) return 'jest';
  // Nest 12 scaffolds ESM apps with vitest and CommonJS apps with jest.
  return moduleSystem === 'esm' ? 'vitest' : 'jest';
}

export function declaredMajor(packageJson: PackageJson, name: string): number | undefined {
  const range = packageJson.dependencies?.[name] ?? packageJson.devDependencies?.[name];
  const major = range?.match(/\d+/)?.[0];
  return major ? Number(major) : undefined;
}

export type PackageManager = 'npm' | 'yarn' | 'pnpm' | 'bun';

/** The app's package manager: package.json `packageManager` (corepack) first, else its lockfile, else npm. */
export function detectPackageManager(tree: Tree): PackageManager {
  const declared = readOptionalJson<PackageJson>(tree, '/package.json')?.packageManager?.split('@')[0];
  if (declared === 'npm' || declared === 'yarn' || declared === 'pnpm' || declared === 'bun') return declared;
  if (tree.exists('/pnpm-lock.yaml')) return 'pnpm';
  if (tree.exists('/yarn.lock')) return 'yarn';
  if (tree.exists('/bun.lock') || tree.exists('/bun.lockb')) return 'bun';
  return 'npm';
}

function normalizeFolder(folder: string): string {
  const normalized = posix.normalize(folder.replace(/\\/g, '/')).replace(/^\.?\/+/, '').replace(/\/+$/, '');
  return normalized === '.' ? '' : normalized;
}
