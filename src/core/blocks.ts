import { logging } from '@angular-devkit/core';
import { HostTree } from '@angular-devkit/schematics';
import { AppContext } from './app-context';
import { applyEdits } from './ast/apply';
import { Edit, combineEdits } from './ast/edits';
import { GatewayClass, addClassDecoratorArgument, addHandshakeMiddleware, hasClassDecoratorArgument, readGatewayClass } from './ast/gateways';
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
