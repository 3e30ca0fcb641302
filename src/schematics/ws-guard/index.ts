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
    const edit = combineEdits(
      addClassDecoratorArgument(gateway, { name: 'UseGuards', from: '@nestjs/common' }, { name: auth.guard.name, from: importFrom(app, gateway.path, auth.guard) }),
      addHandshakeMiddleware(gateway, { name: auth.middleware.name, from: importFrom(app, gateway.path, auth.middleware) }, auth.property),
    );
    applyEdits(tree, context, edit);
    if (edit.insertions.length > 0 && edit.manualSteps.length === 0) warnAboutSpecs(tree, context, app, gateway.path, auth);
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

/**
 * Specs written for the gateway before it was guarded are the team's files: they are not edited,
 * but each one is named with what it now needs.
 */
function warnAboutSpecs(tree: Tree, context: SchematicContext, app: AppContext, gatewayPath: string, auth: AuthPiece): void {
  const base = posix.basename(gatewayPath, '.ts');
  const specs: string[] = [];
  for (const folder of [posix.dirname(gatewayPath), app.e2eRoot]) {
    tree.getDir(folder).visit((path) => {
      const file = posix.basename(path);
      if (file.startsWith(`${base}.`) && file.endsWith('spec.ts') && !path.includes('/node_modules/')) specs.push(path.slice(1));
    });
  }
  for (const spec of [...new Set(specs)]) {
    context.logger.warn(
      `WARNING ${spec} was written for the unguarded gateway: provide ${auth.middleware.name} (or import ${auth.module.name} with JWT_SECRET set) in its testing module, and connect with a token in \`auth.token\`.`,
    );
  }
}
