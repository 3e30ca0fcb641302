import { Rule, SchematicContext, Tree, chain, noop } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { AppContext, detectPackageManager, findNestCliFile } from '../../core/app-context';
import { CONVENTIONS_FILE, Conventions, conventionDefaults } from '../../core/conventions';
import { DependencyRequest, WEBSOCKET_DEPENDENCIES, addDependencies } from '../../core/dependencies';
import { WORKER_PATHS } from '../../core/notifier-files';
import { notifierDependencies } from '../notifier';
import { adapterDependencies } from '../redis-adapter';
import { addEnvironmentExample } from '../../core/environment';
import { editJsonFile } from '../../core/json-file';
import { isNxWorkspace } from '../../core/projects';
import { realtimeSchematic } from '../../core/run';
import type { InitOptions } from './schema';

/** What `--set-default` writes as nest-cli.json `collection` (see default-collection.json). */
export const DEFAULT_COLLECTION = 'realtime-schematics/default-collection.json';
const STOCK_COLLECTION = '@nestjs/schematics';

export const init = realtimeSchematic<InitOptions>((options, run) => (tree: Tree, context: SchematicContext) => {
  const { app } = run;
  context.logger.info(describeApp(tree, app));
  // An existing conventions file is the team's: validated (by the run), never rewritten.
  const existing = tree.exists(`/${CONVENTIONS_FILE}`);
  const conventions = existing ? run.conventions : initialConventions();
  if (existing) context.logger.info(`${CONVENTIONS_FILE} exists: kept as it is.`);
  return chain([
    existing ? noop() : (host: Tree) => void host.create(`/${CONVENTIONS_FILE}`, JSON.stringify(conventions, null, 2) + '\n'),
    addEnvironmentExample(),
    options.setDefault ? setDefaultCollection(options.project) : noop(),
    conventions.e2eSpec && app.testRunner === 'jest' ? addNxE2eTarget(app) : noop(),
    addDependencies(conventionDependencies(conventions)),
  ]);
});

/**
 * Every package the code the conventions turn on imports (SPEC §4), so that after
 * `init --skip-install` and one install, `feature` has nothing left to install.
 */
function conventionDependencies(conventions: Conventions): DependencyRequest[] {
  const { adapter } = conventions;
  return [
    ...WEBSOCKET_DEPENDENCIES,
    ...(conventions.auth.enabled ? [{ name: '@nestjs/jwt' as const }] : []),
    ...(conventions.e2eSpec || conventions.client.enabled ? [{ name: 'socket.io-client' as const, dev: true }] : []),
    ...(conventions.rateLimit.enabled ? [{ name: 'rate-limiter-flexible' as const }] : []),
    ...(conventions.presence.enabled ? [{ name: adapter.client }] : []),
    ...(adapter.enabled ? adapterDependencies(adapter.kind, adapter.client) : []),
    ...(conventions.notifier.enabled ? notifierDependencies(conventions, { workerPath: WORKER_PATHS[adapter.kind], e2eSpec: conventions.e2eSpec }) : []),
  ];
}

function describeApp(tree: Tree, app: AppContext): string {
  const moduleSystem = app.moduleSystem === 'esm' ? 'ESM' : 'CommonJS';
  const project = app.projectRoot ? `, project ${app.projectRoot}` : '';
  const platform = app.httpPlatform === 'fastify' ? ' on Fastify' : '';
  return `Nest ${app.nestMajor} app${platform}: ${moduleSystem}, ${app.testRunner}, ${detectPackageManager(tree)}, sources in ${app.sourceRoot}${project}.`;
}

/** realtime.json as init writes it: every default spelled out, and the production pieces (auth, rooms, notifier, presence, rate limit, client) on, and the streams adapter. */
function initialConventions(): Conventions & { $schema: string } {
  const defaults = conventionDefaults();
  return {
    $schema: './node_modules/realtime-schematics/realtime.schema.json',
    ...defaults,
    auth: { ...defaults.auth, enabled: true },
    rooms: { ...defaults.rooms, enabled: true },
    // `feature` wires the adapter: recovery and the drain (SPEC §5.10) need it, in memory too;
    // streams is the kind whose clients are recovered across instances.
    adapter: { ...defaults.adapter, enabled: true, kind: 'streams' },
    notifier: { ...defaults.notifier, enabled: true },
    presence: { ...defaults.presence, enabled: true },
    rateLimit: { ...defaults.rateLimit, enabled: true },
    client: { ...defaults.client, enabled: true },
  };
}

/**
 * Makes `nest g` use our default collection, which extends @nestjs/schematics: `nest g gateway`
 * generates ours, `nest g service` (and every other stock schematic) stays stock. A collection the
 * team chose themselves is not replaced.
 */
function setDefaultCollection(project: string | undefined): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const path = findNestCliFile(tree);
    if (!path && isNxWorkspace(tree)) {
      // Nx has no default collection: a collection is always named, and nx.json only sets option defaults.
      const name = project ?? '<project>';
      context.logger.warn(
        `WARNING Nx has no default collection: run \`nx g realtime-schematics:<schematic> --project ${name}\`; to make ${name} every run's project, add "generators": { "realtime-schematics": { "<schematic>": { "project": "${name}" } } } to nx.json.`,
      );
      return;
    }
    if (!path) {
      context.logger.warn(`WARNING nest-cli.json not found: add "collection": "${DEFAULT_COLLECTION}" to it by hand.`);
      return;
    }
    const nestCli = editJsonFile(tree, path);
    const current = nestCli.get(['collection']);
    if (current === DEFAULT_COLLECTION) return;
    if (current && current !== STOCK_COLLECTION) {
      context.logger.warn(
        `WARNING ${path.slice(1)} was left unchanged: its collection is "${String(current)}"; set it to "${DEFAULT_COLLECTION}" by hand to make realtime-schematics the default.`,
      );
      return;
    }
    nestCli.modify(['collection'], DEFAULT_COLLECTION);
  };
}

/** The Nx target `init` adds to run the generated e2e specs, which Nx's own `test` target leaves out. */
export const NX_E2E_TARGET = 'test-e2e';
const JEST_CONFIGS = ['jest.config.cts', 'jest.config.ts', 'jest.config.js', 'jest.config.cjs', 'jest.config.mjs'];

/**
 * In an Nx project, the generated e2e specs (`<project>/test/*.e2e-spec.ts`, as in a `nest new`
 * app) match neither the project's `test` target (`*.spec.ts`) nor its `-e2e` project, which tests
 * a served app over HTTP: `test-e2e` in its project.json runs them with the project's own jest
 * config. A target of that name the team already has is kept.
 */
function addNxE2eTarget(app: AppContext): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const projectJson = posix.join('/', app.projectRoot, 'project.json');
    if (!isNxWorkspace(tree) || !tree.exists(projectJson)) return;
    const jestConfig = JEST_CONFIGS.find((name) => tree.exists(posix.join('/', app.projectRoot, name)));
    if (!jestConfig) {
      context.logger.warn(`WARNING no jest config in ${app.projectRoot}: add a target running jest on ${app.e2eRoot}/**/*.e2e-spec.ts to ${projectJson.slice(1)} by hand.`);
      return;
    }
    const project = editJsonFile(tree, projectJson);
    if (project.get(['targets', NX_E2E_TARGET]) !== undefined) return;
    project.modify(['targets', NX_E2E_TARGET], {
      executor: 'nx:run-commands',
      options: { command: `jest --config ${jestConfig} --testMatch '<rootDir>/test/**/*.e2e-spec.ts'`, cwd: app.projectRoot },
    });
  };
}
