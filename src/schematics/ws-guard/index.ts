import { Rule, SchematicContext, Tree, chain, noop } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { AppContext, resolveAppContext } from '../../core/app-context';
import { applyEdits } from '../../core/ast/apply';
import { combineEdits } from '../../core/ast/edits';
import { addClassDecoratorArgument, addHandshakeMiddleware, findGateway } from '../../core/ast/gateways';
import { registerInModule } from '../../core/ast/modules';
import { loadConventions, pick } from '../../core/conventions';
import { WEBSOCKET_DEPENDENCIES, addDependencies } from '../../core/dependencies';
import { formatChangedFiles } from '../../core/format';
import { AuthPiece, authPiece, importFrom, writeAuthPiece } from '../../core/pieces';
import { writeSharedSocket } from '../../core/shared';
import type { WsGuardOptions } from './schema';

export function wsGuard(options: WsGuardOptions): Rule {
  return (tree: Tree) => {
    const app = resolveAppContext(tree, options);
    const conventions = loadConventions(tree);
    const auth = authPiece(app, conventions, options.name);
    return chain([
      writeSharedSocket(app, conventions),
      writeAuthPiece(tree, app, conventions, auth, {
        policy: { kind: 'owned', force: options.force ?? false },
        spec: pick(options.spec, conventions.spec),
        specFileSuffix: options.specFileSuffix ?? 'spec',
      }),
      options.gateway ? applyAuthToGateway(app, options.gateway, auth, options.skipImport ?? false) : noop(),
      addDependencies([...WEBSOCKET_DEPENDENCIES, { name: '@nestjs/jwt' }], options),
      pick(options.format, conventions.format) ? formatChangedFiles() : noop(),
    ]);
  };
}

/** Guard on the gateway class, middleware on its namespace, the auth module in the gateway's module. */
export function applyAuthToGateway(app: AppContext, gatewayName: string, auth: AuthPiece, skipImport: boolean): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const gateway = findGateway(tree, app.sourceRoot, gatewayName);
    applyEdits(
      tree,
      context,
      combineEdits(
        addClassDecoratorArgument(gateway, { name: 'UseGuards', from: '@nestjs/common' }, { name: auth.guard.name, from: importFrom(app, gateway.path, auth.guard) }),
        addHandshakeMiddleware(gateway, { name: auth.middleware.name, from: importFrom(app, gateway.path, auth.middleware) }, auth.property),
      ),
    );
    if (skipImport) return;
    return registerInModule({
      key: 'imports',
      className: auth.module.name,
      file: auth.module.file,
      directory: posix.dirname(gateway.path),
      sourceRoot: app.sourceRoot,
      importSuffix: app.importSuffix,
    });
  };
}
