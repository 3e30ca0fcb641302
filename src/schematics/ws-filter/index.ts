import { Rule, SchematicContext, Tree, chain, noop } from '@angular-devkit/schematics';
import { applyEdits } from '../../core/ast/apply';
import { combineEdits } from '../../core/ast/edits';
import { findGateway, findNamespaceHandlers } from '../../core/ast/gateways';
import { pick } from '../../core/conventions';
import { WEBSOCKET_DEPENDENCIES, addDependencies } from '../../core/dependencies';
import { blocksAppliedTo, filterEdit } from '../../core/blocks';
import { refreshGatewaySpecs } from '../../core/gateway-files';
import { FilterPiece, filterPiece, writeFilterPiece } from '../../core/pieces';
import { RunContext, realtimeSchematic } from '../../core/run';
import { writeSharedSocket } from '../../core/shared';
import type { WsFilterOptions } from './schema';

export const wsFilter = realtimeSchematic<WsFilterOptions>((options, run) => (tree: Tree) => {
  const { app, conventions } = run;
  const filter = filterPiece(app, conventions, options.name);
  const specFileSuffix = options.specFileSuffix ?? 'spec';
  return chain([
    writeSharedSocket(app, conventions),
    writeFilterPiece(tree, app, filter, {
      // Applied to a gateway, the app's existing filter is reused as the team left it.
      policy: options.gateway ? { kind: 'shared' } : { kind: 'owned', force: options.force ?? false },
      spec: pick(options.spec, conventions.spec),
      specFileSuffix,
    }),
    options.gateway ? applyFilterToGateway(run, options.gateway, filter, specFileSuffix) : noop(),
    addDependencies(WEBSOCKET_DEPENDENCIES),
  ]);
});

/**
 * `@UseFilters(WsExceptionFilter)` on the gateway class and on the other handler classes of its
 * namespace (global filters never reach gateways), and the gateway's generated specs brought up to date.
 */
function applyFilterToGateway(run: RunContext, gatewayName: string, filter: FilterPiece, specFileSuffix: string): Rule {
  return async (tree: Tree, context: SchematicContext) => {
    const { app } = run;
    const gateway = findGateway(tree, app.sourceRoot, gatewayName);
    const before = blocksAppliedTo(gateway, app, run.conventions);
    applyEdits(tree, context, combineEdits(...[gateway, ...findNamespaceHandlers(tree, gateway)].map((handler) => filterEdit(app, handler, filter))));
    await refreshGatewaySpecs(tree, context, run, gateway, {
      before,
      after: { ...before, filter },
      specFileSuffix,
      needs: `its invalid-message case now gets a VALIDATION_FAILED ack from ${filter.filter.name}.`,
    });
  };
}
