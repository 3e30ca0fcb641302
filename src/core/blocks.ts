import { logging } from '@angular-devkit/core';
import { HostTree, Rule, SchematicContext, Tree } from '@angular-devkit/schematics';
import { AppContext } from './app-context';
import { applyEdits } from './ast/apply';
import { Edit, combineEdits } from './ast/edits';
import { GatewayClass, addClassDecoratorArgument, addHandshakeMiddleware, classDecoratorArguments, hasClassDecoratorArgument, readGatewayClass } from './ast/gateways';
import { Conventions } from './conventions';
import { AuthPiece, FilterPiece, authPiece, filterPiece, importFrom } from './pieces';

/**
 * The building blocks applied to a gateway's namespace. Each has one edit, used by the schematic
 * that applies it (`ws-guard --gateway`, `ws-filter --gateway`) and by every schematic that has to
 * tell what those edits left (a rerun, the gateway's specs).
 */
export interface GatewayBlocks {
  auth?: AuthPiece;
  filter?: FilterPiece;
}

const USE_GUARDS = { name: 'UseGuards', from: '@nestjs/common' };
const USE_FILTERS = { name: 'UseFilters', from: '@nestjs/common' };

/** ws-guard on a handler class: the guard on the class; on the gateway itself, also the handshake middleware on its namespace. */
export function guardEdit(app: AppContext, handler: GatewayClass, auth: AuthPiece, role: 'gateway' | 'handler'): Edit {
  const guard = addClassDecoratorArgument(handler, USE_GUARDS, { name: auth.guard.name, from: importFrom(app, handler.path, auth.guard) });
  if (role === 'handler') return guard;
  return combineEdits(guard, addHandshakeMiddleware(handler, { name: auth.middleware.name, from: importFrom(app, handler.path, auth.middleware) }, auth.property));
}

/** ws-filter on a handler class: `@UseFilters(WsExceptionFilter)` (global filters never reach gateways). */
export function filterEdit(app: AppContext, handler: GatewayClass, filter: FilterPiece): Edit {
  return addClassDecoratorArgument(handler, USE_FILTERS, { name: filter.filter.name, from: importFrom(app, handler.path, filter.filter) });
}

/** The app's default auth and filter pieces that a handler class's decorators already apply. */
export function blocksAppliedTo(handler: GatewayClass, app: AppContext, conventions: Conventions): GatewayBlocks {
  const auth = authPiece(app, conventions);
  const filter = filterPiece(app, conventions);
  const applied = (decorator: typeof USE_GUARDS, piece: { name: string; file: string }) =>
    hasClassDecoratorArgument(handler, decorator, { name: piece.name, from: importFrom(app, handler.path, piece) });
  return {
    auth: applied(USE_GUARDS, auth.guard) ? auth : undefined,
    filter: applied(USE_FILTERS, filter.filter) ? filter : undefined,
  };
}

/**
 * What ws-guard then ws-filter make of a freshly rendered handler file, computed on a scratch copy:
 * a rerun compares an existing generated file with this to tell "unchanged" from "edited by the team".
 */
export function withBlocksApplied(app: AppContext, path: string, rendered: string, blocks: GatewayBlocks, role: 'gateway' | 'handler'): string {
  // Workspace-relative, as every path the edits compute imports from.
  const file = path.replace(/^\//, '');
  const scratch = new HostTree();
  scratch.create(file, rendered);
  // A fresh render has the shape the edits expect: no manual step to report.
  const silent = { logger: new logging.NullLogger() };
  const steps = [
    blocks.auth && ((handler: GatewayClass) => guardEdit(app, handler, blocks.auth!, role)),
    blocks.filter && ((handler: GatewayClass) => filterEdit(app, handler, blocks.filter!)),
  ];
  for (const step of steps) {
    const handler = step && readGatewayClass(scratch, file);
    if (step && handler) applyEdits(scratch, silent, step(handler));
  }
  return scratch.readText(file);
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
      // One argument at a time: each edit reads the class as the previous one left it.
      for (const argument of imported) {
        const handler = readGatewayClass(tree, handlerPath);
        if (handler) applyEdits(tree, context, addClassDecoratorArgument(handler, decorator, argument));
      }
    }
  };
}
