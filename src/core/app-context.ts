import { SchematicsException, Tree } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { HttpPlatform, detectHttpPlatform } from './http-platform';
import { readJsonFile } from './json-file';
import { PLUG_AND_PLAY_REFUSAL, usesPlugAndPlay } from './plug-and-play';
import { WorkspaceProject, findNxProjects, isNxWorkspace } from './projects';
import manifest from './versions.json';

/** Nest majors the version manifest has versions for (and the e2e tests cover). */
export const SUPPORTED_NEST_MAJORS = Object.keys(manifest.byNestMajor).map(Number);

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
  /** Major version of @nestjs/core the app declares: always one of SUPPORTED_NEST_MAJORS. */
  nestMajor: number;
  /** The HTTP platform the app runs on (its generated e2e specs create the app on it). */
  httpPlatform: HttpPlatform;
}

interface NestCliProject {
  root?: string;
  sourceRoot?: string;
  type?: string;
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

/** Re-exported for callers that read the app's JSON through this module; defined in json-file.ts. */
export { readJsonFile };

/** The Nest CLI reads the first of these that exists (its `NestConfigurationLoader`). */
const NEST_CLI_FILES = ['/nest-cli.json', '/.nest-cli.json'];

/** The app's Nest CLI configuration file, as the Nest CLI finds it; undefined when there is none. */
export function findNestCliFile(tree: Tree): string | undefined {
  return NEST_CLI_FILES.find((path) => tree.exists(path));
}

/**
 * Resolves the app once: which project (monorepo `-p`), where its sources live, how it imports
 * (ESM or CommonJS), which test runner its specs use and which Nest major it runs.
 * The source root: `sourceRoot` given by the caller, else the `-p` project's (nest-cli.json
 * `projects` or an Nx `project.json`), else realtime.json `sourceRoot`, else nest-cli.json's, else
 * the only Nest app of an Nx workspace, else `src`. The Nest CLI always passes a `sourceRoot`: its
 * own default (nest-cli.json's, else `src`) counts as not given, since it knows no Nx project.
 * An app that is not Nest 11 or 12 is refused here, before any schematic writes a file.
 */
export function resolveAppContext(tree: Tree, options: { project?: string; sourceRoot?: string }): AppContext {
  if (usesPlugAndPlay((path) => tree.exists(`/${path}`))) throw new SchematicsException(PLUG_AND_PLAY_REFUSAL);
  const nestCliFile = findNestCliFile(tree);
  const nestCli: NestCliConfig = nestCliFile ? (readJsonFile<NestCliConfig>(tree, nestCliFile) ?? {}) : {};
  const project = resolveProject(tree, nestCli, options.project);
  const nestCliDefault = normalizeFolder(nestCli.sourceRoot ?? 'src');
  const given = options.sourceRoot === undefined || normalizeFolder(options.sourceRoot) === nestCliDefault ? undefined : options.sourceRoot;
  const fallback = project ?? defaultProject(tree, nestCliFile);
  const sourceRoot = normalizeFolder(given ?? fallback?.sourceRoot ?? nestCliDefault);
  const projectRoot = normalizeFolder(project?.root ?? (given === undefined ? fallback?.root : undefined) ?? posix.dirname(sourceRoot));

  const packageJson = readJsonFile<PackageJson>(tree, '/package.json');
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
    nestMajor: supportedNestMajor(tree, packageJson),
    httpPlatform: detectHttpPlatform(tree, { ...packageJson.dependencies, ...packageJson.devDependencies }, sourceRoot),
  };
}

/**
 * The app's Nest major, from the range package.json declares for @nestjs/core (what the versions we
 * add must agree with); a range without a version (`latest`, `workspace:*`) falls back to the
 * installed package. Anything but a supported major is refused with one line.
 */
function supportedNestMajor(tree: Tree, packageJson: PackageJson): number {
  const range = packageJson.dependencies?.['@nestjs/core'] ?? packageJson.devDependencies?.['@nestjs/core'];
  if (range === undefined) {
    throw new SchematicsException('No @nestjs/core in package.json: run this command at the root of a Nest app.');
  }
  const installed = readJsonFile<{ version?: string }>(tree, '/node_modules/@nestjs/core/package.json')?.version;
  const major = majorOf(range) ?? majorOf(installed);
  if (major === undefined || !SUPPORTED_NEST_MAJORS.includes(major)) {
    const found = major === undefined ? `This Nest version ("@nestjs/core": "${range}")` : `Nest ${major} ("@nestjs/core": "${range}")`;
    throw new SchematicsException(`${found} is not supported: realtime-schematics supports Nest ${SUPPORTED_NEST_MAJORS.join(' and ')}. Upgrade the app first (https://docs.nestjs.com/migration-guide).`);
  }
  return major;
}

function resolveProject(tree: Tree, nestCli: NestCliConfig, projectName: string | undefined): NestCliProject | undefined {
  if (!projectName) {
    return undefined;
  }
  const project = nestCli.projects?.[projectName] ?? findNxProjects(tree).find((candidate) => candidate.name === projectName);
  if (!project) {
    const known = [...Object.keys(nestCli.projects ?? {}), ...findNxProjects(tree).map((candidate) => candidate.name)];
    const where = isNxWorkspace(tree) ? `nest-cli.json or any project.json of this Nx workspace` : 'nest-cli.json';
    throw new SchematicsException(
      `Project "${projectName}" is not in ${where}` + (known.length ? ` (projects: ${known.join(', ')}).` : ' (it has no projects).'),
    );
  }
  return project;
}

/**
 * The project a run without `-p` writes into: realtime.json `sourceRoot` when the team saved one;
 * else nest-cli.json's default project; else, in an Nx workspace, its only Nest app. An Nx
 * workspace with several is refused: the run would not know where to write.
 */
function defaultProject(tree: Tree, nestCliFile: string | undefined): NestCliProject | undefined {
  const saved = readJsonFile<{ sourceRoot?: unknown }>(tree, '/realtime.json')?.sourceRoot;
  if (typeof saved === 'string') return { sourceRoot: saved };
  if (nestCliFile || !isNxWorkspace(tree)) return undefined;
  const apps = findNxProjects(tree).filter((project) => project.isNestApp);
  if (apps.length > 1) {
    throw new SchematicsException(
      `This Nx workspace has several Nest apps (${apps.map((app) => app.name).join(', ')}): pass -p <project>, or set "sourceRoot" in realtime.json.`,
    );
  }
  return apps[0];
}

/** Every project of the workspace: nest-cli.json `projects`, then each Nx `project.json`. */
export function workspaceProjects(tree: Tree): WorkspaceProject[] {
  const nestCliFile = findNestCliFile(tree);
  const nestCli: NestCliConfig = nestCliFile ? (readJsonFile<NestCliConfig>(tree, nestCliFile) ?? {}) : {};
  const fromNestCli = Object.entries(nestCli.projects ?? {}).map(([name, project]) => ({
    name,
    root: project.root,
    sourceRoot: project.sourceRoot,
    declaredIn: nestCliFile!.slice(1),
    isNestApp: project.type !== 'library',
  }));
  return [...fromNestCli, ...findNxProjects(tree)];
}

function detectTestRunner(packageJson: PackageJson, moduleSystem: 'esm' | 'cjs'): 'vitest' | 'jest' {
  const declared = { ...packageJson.dependencies, ...packageJson.devDependencies };
  if (declared.vitest) return 'vitest';
  if (declared.jest) return 'jest';
  // Nest 12 scaffolds ESM apps with vitest and CommonJS apps with jest.
  return moduleSystem === 'esm' ? 'vitest' : 'jest';
}

export function declaredMajor(packageJson: PackageJson, name: string): number | undefined {
  return majorOf(packageJson.dependencies?.[name] ?? packageJson.devDependencies?.[name]);
}

/** The first number of a version or range (`^11.1.0`, `~12`, `11.x`); undefined when it has none. */
function majorOf(versionOrRange: string | undefined): number | undefined {
  const major = versionOrRange?.match(/\d+/)?.[0];
  return major === undefined ? undefined : Number(major);
}

export type PackageManager = 'npm' | 'yarn' | 'pnpm' | 'bun';

/** The app's package manager: package.json `packageManager` (corepack) first, else its lockfile, else npm. */
export function detectPackageManager(tree: Tree): PackageManager {
  const declared = readJsonFile<PackageJson>(tree, '/package.json')?.packageManager?.split('@')[0];
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
