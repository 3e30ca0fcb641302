import { Rule, SchematicContext, SchematicsException, Tree, chain, noop } from '@angular-devkit/schematics';
import { applyEdits, modify } from 'jsonc-parser';
import { AppContext, detectPackageManager, readJsonFile, resolveAppContext } from '../../core/app-context';
import { CONVENTIONS_FILE, Conventions, conventionDefaults, loadConventions } from '../../core/conventions';
import { SUPPORTED_NEST_MAJORS, WEBSOCKET_DEPENDENCIES, addDependencies } from '../../core/dependencies';
import { addEnvironmentExample } from '../../core/environment';
import type { InitOptions } from './schema';

/** What `--set-default` writes as nest-cli.json `collection` (see default-collection.json). */
export const DEFAULT_COLLECTION = 'realtime-schematics/default-collection.json';
const STOCK_COLLECTION = '@nestjs/schematics';

export function init(options: InitOptions): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const app = resolveAppContext(tree, options);
    if (app.nestMajor === undefined || !SUPPORTED_NEST_MAJORS.includes(app.nestMajor)) {
      throw new SchematicsException(
        app.nestMajor === undefined
          ? 'No @nestjs/core in package.json: run init at the root of a Nest app.'
          : `Nest ${app.nestMajor} is not supported (supported: ${SUPPORTED_NEST_MAJORS.join(', ')}): upgrade the app first (nest update / npm i @nestjs/core@latest).`,
      );
    }
    context.logger.info(describeApp(tree, app));
    // An existing conventions file is the team's: validated, never rewritten.
    const existing = tree.exists(`/${CONVENTIONS_FILE}`);
    const conventions = existing ? loadConventions(tree) : initialConventions();
    if (existing) context.logger.info(`${CONVENTIONS_FILE} exists: kept as it is.`);
    return chain([
      existing ? noop() : (host: Tree) => void host.create(`/${CONVENTIONS_FILE}`, JSON.stringify(conventions, null, 2) + '\n'),
      addEnvironmentExample(),
      options.setDefault ? setDefaultCollection() : noop(),
      addDependencies(
        [
          ...WEBSOCKET_DEPENDENCIES,
          ...(conventions.auth.enabled ? [{ name: '@nestjs/jwt' as const }] : []),
          ...(conventions.e2eSpec ? [{ name: 'socket.io-client' as const, dev: true }] : []),
        ],
        options,
      ),
    ]);
  };
}

function describeApp(tree: Tree, app: AppContext): string {
  const moduleSystem = app.moduleSystem === 'esm' ? 'ESM' : 'CommonJS';
  const project = app.projectRoot ? `, project ${app.projectRoot}` : '';
  return `Nest ${app.nestMajor} app: ${moduleSystem}, ${app.testRunner}, ${detectPackageManager(tree)}, sources in ${app.sourceRoot}${project}.`;
}

/** realtime.json as init writes it: every default spelled out, and the production pieces (auth, rooms) on. */
function initialConventions(): Conventions & { $schema: string } {
  const defaults = conventionDefaults();
  return {
    $schema: './node_modules/realtime-schematics/realtime.schema.json',
    ...defaults,
    auth: { ...defaults.auth, enabled: true },
    rooms: { ...defaults.rooms, enabled: true },
  };
}

/**
 * Makes `nest g` use our default collection, which extends @nestjs/schematics: `nest g gateway`
 * generates ours, `nest g service` (and every other stock schematic) stays stock. A collection the
 * team chose themselves is not replaced.
 */
function setDefaultCollection(): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const path = '/nest-cli.json';
    if (!tree.exists(path)) {
      context.logger.warn(`WARNING nest-cli.json not found: add "collection": "${DEFAULT_COLLECTION}" to it by hand.`);
      return;
    }
    const current = readJsonFile<{ collection?: string }>(tree, path)?.collection;
    if (current === DEFAULT_COLLECTION) return;
    if (current && current !== STOCK_COLLECTION) {
      context.logger.warn(
        `WARNING nest-cli.json was left unchanged: its collection is "${current}"; set it to "${DEFAULT_COLLECTION}" by hand to make realtime-schematics the default.`,
      );
      return;
    }
    const text = tree.readText(path);
    const edits = modify(text, ['collection'], DEFAULT_COLLECTION, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
    tree.overwrite(path, applyEdits(text, edits));
  };
}
