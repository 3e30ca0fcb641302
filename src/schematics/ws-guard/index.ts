import { Rule, SchematicContext, Tree, chain, noop } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { applyEdits } from '../../core/ast/apply';
import { combineEdits } from '../../core/ast/edits';
import { findGateway, findNamespaceHandlers } from '../../core/ast/gateways';
import { registerInModule, served } from '../../core/ast/modules';
import { pick } from '../../core/conventions';
import { WEBSOCKET_DEPENDENCIES, addDependencies } from '../../core/dependencies';
import { blocksAppliedTo, guardEdit } from '../../core/blocks';
import { refreshGatewaySpecs } from '../../core/gateway-files';
import { AuthPiece, authPiece, rateLimitPiece, writeAuthPiece } from '../../core/pieces';
import { RunContext, realtimeSchematic } from '../../core/run';
import { writeSharedSocket } from '../../core/shared';
import type { WsGuardOptions } from './schema';

export const wsGuard = realtimeSchematic<WsGuardOptions>((options, run) => (tree: Tree) => {
  const { app, conventions } = run;
  const auth = authPiece(app, conventions, options.name);
  const specFileSuffix = options.specFileSuffix ?? 'spec';
  return chain([
    writeSharedSocket(app, conventions),
    writeAuthPiece(tree, app, conventions, auth, {
      // Applied to a gateway, the app's existing auth pieces are reused as the team left them.
      policy: options.gateway ? { kind: 'shared' } : { kind: 'owned', force: options.force ?? false },
      spec: pick(options.spec, conventions.spec),
      specFileSuffix,
    }),
    options.gateway ? applyAuthToGateway(run, options.gateway, auth, { skipImport: options.skipImport ?? false, specFileSuffix }) : noop(),
    addDependencies([...WEBSOCKET_DEPENDENCIES, { name: '@nestjs/jwt' }]),
  ]);
});

/**
 * Guard on the gateway class and on the other handler classes of its namespace (the room handler),
 * middleware on its namespace, the auth module in the gateway's module, and the gateway's
 * generated specs brought up to date.
 */
function applyAuthToGateway(run: RunContext, gatewayName: string, auth: AuthPiece, options: { skipImport: boolean; specFileSuffix: string }): Rule {
  return async (tree: Tree, context: SchematicContext) => {
    const { app } = run;
    const gateway = findGateway(tree, app.sourceRoot, gatewayName);
    const before = blocksAppliedTo(gateway, app, run.conventions);
    // Applied after the rate limit, the guard still goes before it, as the gateway schematic orders them.
    const rateLimit = rateLimitPiece(app, run.conventions);
    applyEdits(
      tree,
      context,
      combineEdits(
        guardEdit(app, gateway, auth, 'gateway', rateLimit),
        ...findNamespaceHandlers(tree, gateway).map((handler) => guardEdit(app, handler, auth, 'handler', rateLimit)),
      ),
    );
    await refreshGatewaySpecs(tree, context, run, gateway, {
      before,
      after: { ...before, auth },
      specFileSuffix: options.specFileSuffix,
      needs: `provide ${auth.middleware.name} (or import ${auth.module.name} with JWT_SECRET set) in its testing module, and connect with a token in \`auth.token\`.`,
    });
    if (options.skipImport) return;
    return registerInModule({
      key: 'imports',
      className: auth.module.name,
      file: auth.module.file,
      directory: posix.dirname(gateway.path),
      sourceRoot: app.sourceRoot,
      importSuffix: app.importSuffix,
      // Where the gateway is registered (`gateway --module` may have put it anywhere): its middleware is injected there.
      beside: served(gateway),
    });
  };
}
