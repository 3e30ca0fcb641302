import { Rule, SchematicContext, Tree, chain, noop, schematic } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { applyEdits } from '../../core/ast/apply';
import { combineEdits } from '../../core/ast/edits';
import { registerInModule } from '../../core/ast/modules';
import { pick } from '../../core/conventions';
import { WEBSOCKET_DEPENDENCIES, addDependencies } from '../../core/dependencies';
import { writeTemplates } from '../../core/generate';
import { findGateway, findNamespaceHandlers } from '../../core/ast/gateways';
import { rateLimitEdit } from '../../core/blocks';
import { gatewayE2eFile, gatewayTemplateVariables } from '../../core/gateway-files';
import { resolveLocation } from '../../core/naming';
import { authPiece, rateLimitPiece, writeRateLimitPiece } from '../../core/pieces';
import { RunContext, realtimeSchematic } from '../../core/run';
import { writeSharedSocket } from '../../core/shared';
import type { GatewayOptions } from './schema';

/**
 * A plain gateway, registered in its module; then the building blocks the conventions turn on,
 * applied exactly as a user applies them: `room-handler --gateway`, the rate limit (which has no
 * schematic of its own), `ws-guard --gateway`, `ws-filter --gateway`.
 */
export const gateway = realtimeSchematic<GatewayOptions>((options, run) => (tree: Tree) => {
  const { app, conventions } = run;
  const location = resolveLocation(options.name, { path: options.path, sourceRoot: app.sourceRoot, flat: pick(options.flat, conventions.flat) });
  const spec = pick(options.spec, conventions.spec);
  const specFileSuffix = options.specFileSuffix ?? 'spec';
  const e2eSpec = pick(options.e2eSpec, conventions.e2eSpec);
  const gatewayFile = `${location.directory}/${location.fileName}.gateway`;
  const variables = gatewayTemplateVariables(tree, app, conventions, location, {}, specFileSuffix);
  const owned = { kind: 'owned', force: options.force ?? false } as const;
  // How the building blocks find this gateway: its path from the source root, without `.gateway.ts`.
  const gatewayName = posix.relative(app.sourceRoot || '.', gatewayFile).replace(/\.gateway$/, '');
  const blockOptions = { gateway: gatewayName, spec, specFileSuffix, force: options.force, project: options.project, sourceRoot: options.sourceRoot };

  return chain([
    writeSharedSocket(app, conventions),
    writeTemplates(
      { folder: 'gateway/files', destination: location.directory, variables, skip: (path) => !spec && path.includes('__specFileSuffix__') },
      owned,
    ),
    e2eSpec ? writeTemplates({ folder: 'gateway/e2e', destination: posix.dirname(gatewayE2eFile(app, location)), variables }, owned) : noop(),
    options.skipImport
      ? noop()
      : registerInModule({ key: 'providers', className: `${location.className}Gateway`, file: gatewayFile, directory: location.directory, sourceRoot: app.sourceRoot, importSuffix: app.importSuffix, module: options.module }),
    conventions.rooms.enabled ? schematic('room-handler', { ...blockOptions, name: location.fileName, module: options.module, skipImport: options.skipImport }) : noop(),
    // Before ws-guard, the order `gateway` then `ws-guard --gateway` has, so both give the same file
    // (imports included); WsAuthGuard still comes first in @UseGuards().
    conventions.rateLimit.enabled ? applyRateLimit(run, gatewayName, { spec, specFileSuffix }) : noop(),
    conventions.auth.enabled ? schematic('ws-guard', { ...blockOptions, skipImport: options.skipImport }) : noop(),
    conventions.filter.enabled ? schematic('ws-filter', blockOptions) : noop(),
    addDependencies([...WEBSOCKET_DEPENDENCIES, ...(e2eSpec ? [{ name: 'socket.io-client' as const, dev: true }] : [])]),
  ]);
});

/**
 * The per-connection rate limit (SPEC §5.9): the shared guard, written once for the app, on the
 * gateway and on the other handler classes of its namespace (Nest applies guards per class).
 */
function applyRateLimit(run: RunContext, gatewayName: string, options: { spec: boolean; specFileSuffix: string }): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const { app, conventions } = run;
    const rateLimit = rateLimitPiece(app, conventions);
    const auth = authPiece(app, conventions);
    const gateway = findGateway(tree, app.sourceRoot, gatewayName);
    const handlers = [gateway, ...findNamespaceHandlers(tree, gateway)];
    applyEdits(tree, context, combineEdits(...handlers.map((handler) => rateLimitEdit(app, handler, rateLimit, auth))));
    return chain([
      writeRateLimitPiece(tree, app, conventions, rateLimit, { policy: { kind: 'shared' }, ...options }),
      addDependencies([{ name: 'rate-limiter-flexible' }]),
    ]);
  };
}
