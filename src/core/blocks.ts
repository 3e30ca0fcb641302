import { Rule, SchematicContext, Tree } from '@angular-devkit/schematics';
import { AppContext } from './app-context';
import { applyEdits } from './ast/apply';
import { Edit, combineEdits } from './ast/edits';
import { GatewayClass, addClassDecoratorArgument, addHandshakeMiddleware, classDecoratorArguments, hasClassDecoratorArgument, readGatewayClass } from './ast/gateways';
import { importPosition } from './ast/imports';
import type { NamespaceTypes } from './contract';
import { Conventions } from './conventions';
import { writeTemplates } from './generate';
import { layoutFor } from './layout';
import { relativeImport } from './naming';
import { AuthPiece, ClassRef, FilterPiece, RateLimitPiece, authPiece, filterPiece, importFrom, rateLimitPiece } from './pieces';
import { sharedImports } from './shared';

/**
 * The building blocks applied to a gateway's namespace. Each has one edit, used by the schematic
 * that applies it (`ws-guard --gateway`, `ws-filter --gateway`, `gateway` for the rate limit); the
 * blocks a gateway has are read from its decorators (for its specs, its notifier, its client).
 */
export interface GatewayBlocks {
  auth?: AuthPiece;
  rateLimit?: RateLimitPiece;
  filter?: FilterPiece;
  /** The namespace's typed client (`client --gateway`), which the gateway's e2e spec then connects with. */
  client?: ClassRef;
}

const USE_GUARDS = { name: 'UseGuards', from: '@nestjs/common' };
const USE_FILTERS = { name: 'UseFilters', from: '@nestjs/common' };

/**
 * ws-guard on a handler class: the guard on the class (before the rate limit's, when the class has
 * it: the order the gateway schematic applies them in); on the gateway itself, also the handshake
 * middleware on its namespace.
 */
export function guardEdit(app: AppContext, handler: GatewayClass, auth: AuthPiece, role: 'gateway' | 'handler', rateLimit?: RateLimitPiece): Edit {
  const guard = addClassDecoratorArgument(handler, USE_GUARDS, importOf(app, handler, auth.guard), {
    before: rateLimit && importOf(app, handler, rateLimit.guard),
  });
  if (role === 'handler') return guard;
  return combineEdits(guard, addHandshakeMiddleware(handler, importOf(app, handler, auth.middleware), auth.property));
}

/** The rate limit on a handler class: its guard right after the auth guard when the class has it. */
export function rateLimitEdit(app: AppContext, handler: GatewayClass, rateLimit: RateLimitPiece, auth?: AuthPiece): Edit {
  return addClassDecoratorArgument(handler, USE_GUARDS, importOf(app, handler, rateLimit.guard), { after: auth && importOf(app, handler, auth.guard) });
}

/** ws-filter on a handler class: `@UseFilters(WsExceptionFilter)` (global filters never reach gateways). */
export function filterEdit(app: AppContext, handler: GatewayClass, filter: FilterPiece): Edit {
  return addClassDecoratorArgument(handler, USE_FILTERS, importOf(app, handler, filter.filter));
}

/** A generated class as the handler's file imports it. */
function importOf(app: AppContext, handler: GatewayClass, ref: ClassRef): { name: string; from: string } {
  return { name: ref.name, from: importFrom(app, handler.path, ref) };
}

/** The app's default auth, rate limit and filter pieces that a handler class's decorators already apply. */
export function blocksAppliedTo(handler: GatewayClass, app: AppContext, conventions: Conventions): GatewayBlocks {
  const applies = (decorator: typeof USE_GUARDS, ref: ClassRef) => hasClassDecoratorArgument(handler, decorator, importOf(app, handler, ref));
  const auth = authPiece(app, conventions);
  const rateLimit = rateLimitPiece(app, conventions);
  const filter = filterPiece(app, conventions);
  return {
    auth: applies(USE_GUARDS, auth.guard) ? auth : undefined,
    rateLimit: applies(USE_GUARDS, rateLimit.guard) ? rateLimit : undefined,
    filter: applies(USE_FILTERS, filter.filter) ? filter : undefined,
  };
}

/**
 * A handler class beside a gateway (the room handler, presence) serves the gateway's namespace, so
 * what guards and filters the gateway guards and filters it too (Nest applies them per class):
 * the gateway's `@UseGuards()` then `@UseFilters()` arguments copied onto the handler in order, each
 * as its own edit, exactly as `ws-guard --gateway` and `ws-filter --gateway` apply them.
 */
export function applyGatewayDecorators(gateway: GatewayClass, handlerPath: string): Rule {
  return (tree: Tree, context: SchematicContext) => {
    for (const decorator of [USE_GUARDS, USE_FILTERS]) {
      const { imported, unresolved } = classDecoratorArguments(gateway, decorator);
      if (unresolved.length > 0) {
        context.logger.warn(`WARNING ${handlerPath}: add ${unresolved.join(', ')} to its @${decorator.name}() by hand, as on ${gateway.className}.`);
      }
      // In the order the gateway's imports show they were added, each beside its neighbours in the
      // gateway's list: the copy reads as the gateway does, imports included. One at a time: each
      // edit reads the class as the previous one left it.
      const added = (argument: { name: string; from: string }) => importPosition(gateway.source, argument.name, argument.from) ?? 0;
      for (const argument of [...imported].sort((a, b) => added(a) - added(b))) {
        const index = imported.indexOf(argument);
        const handler = readGatewayClass(tree, handlerPath);
        const placement = { after: imported[index - 1], before: imported[index + 1] };
        if (handler) applyEdits(tree, context, addClassDecoratorArgument(handler, decorator, argument, placement));
      }
    }
  };
}

/**
 * The namespace a file beside `gateway` serves (`undefined`: the main namespace): the gateway's, as
 * its decorator says. A constant or a regex cannot be read: the file is generated with `fallback`,
 * and a warning says where to set the gateway's namespace instead. Never guessed.
 */
export function namespaceServed(
  context: Pick<SchematicContext, 'logger'>,
  gateway: GatewayClass,
  served: { fallback: string; file: string; setIn?: string },
): string | undefined {
  if (gateway.namespace !== null) return gateway.namespace;
  context.logger.warn(
    `WARNING ${gateway.path}: the namespace of ${gateway.className} is not a string literal; set the same namespace in ${served.setIn ?? '@WebSocketGateway()'} of ${served.file}.ts (generated with '${served.fallback}').`,
  );
  return served.fallback;
}

/**
 * The template variables every file beside a gateway uses (room handler, presence, notifier): the
 * namespace it serves (its decorator's options, its comments), the imports of the namespace's
 * server types and of the shared helpers, and how the app spells imports and spec files.
 */
export function besideGatewayVariables(
  tree: Tree,
  run: { app: AppContext; conventions: Conventions },
  beside: { file: string; namespace: string | undefined; types: NamespaceTypes; specFileSuffix?: string },
) {
  return {
    namespaceLabel: beside.namespace ?? '/',
    decoratorOptions: beside.namespace === undefined ? '' : `{ namespace: '${beside.namespace}' }`,
    importSuffix: run.app.importSuffix,
    specFileSuffix: beside.specFileSuffix ?? 'spec',
    layout: layoutFor(tree),
    eventsFromUnit: relativeImport(beside.file, beside.types.eventsFile, run.app.importSuffix),
    ...sharedImports(run.app, run.conventions, beside.file),
  };
}

/**
 * The files of a handler class beside a gateway (the room handler, presence) from its template
 * folder, as owned files; its unit spec is left out when `spec` is off. The class carries the
 * gateway's guards and filters (`applyGatewayDecorators`).
 */
export function writeHandlerFiles(files: { folder: string; directory: string; variables: Record<string, unknown>; spec: boolean; force: boolean }): Rule {
  return writeTemplates(
    { folder: files.folder, destination: files.directory, variables: files.variables, skip: (path) => !files.spec && path.includes('__specFileSuffix__') },
    { kind: 'owned', force: files.force },
  );
}
