import { Rule, SchematicContext, Tree, chain, noop } from '@angular-devkit/schematics';
import { AppContext, resolveAppContext } from '../../core/app-context';
import { applyEdits } from '../../core/ast/apply';
import { addClassDecoratorArgument, findGateway } from '../../core/ast/gateways';
import { loadConventions, pick } from '../../core/conventions';
import { WEBSOCKET_DEPENDENCIES, addDependencies } from '../../core/dependencies';
import { formatChangedFiles } from '../../core/format';
import { FilterPiece, filterPiece, importFrom, writeFilterPiece } from '../../core/pieces';
import { writeSharedSocket } from '../../core/shared';
import type { WsFilterOptions } from './schema';

export function wsFilter(options: WsFilterOptions): Rule {
  return (tree: Tree) => {
    const app = resolveAppContext(tree, options);
    const conventions = loadConventions(tree);
    const filter = filterPiece(app, conventions, options.name);
    return chain([
      writeSharedSocket(app, conventions),
      writeFilterPiece(tree, app, filter, {
        policy: { kind: 'owned', force: options.force ?? false },
        spec: pick(options.spec, conventions.spec),
        specFileSuffix: options.specFileSuffix ?? 'spec',
      }),
      options.gateway ? applyFilterToGateway(app, options.gateway, filter) : noop(),
      addDependencies(WEBSOCKET_DEPENDENCIES, options),
      pick(options.format, conventions.format) ? formatChangedFiles() : noop(),
    ]);
  };
}

/** `@UseFilters(WsExceptionFilter)` on the gateway class: global filters never reach gateways. */
export function applyFilterToGateway(app: AppContext, gatewayName: string, filter: FilterPiece): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const gateway = findGateway(tree, app.sourceRoot, gatewayName);
    const from = importFrom(app, gateway.path, filter.filter);
    applyEdits(tree, context, addClassDecoratorArgument(gateway, { name: 'UseFilters', from: '@nestjs/common' }, { name: filter.filter.name, from }));
  };
}
