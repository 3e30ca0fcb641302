import { SchematicContext, Tree, chain, noop } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { findGateway } from '../../core/ast/gateways';
import { registerInModule, served } from '../../core/ast/modules';
import { applyGatewayDecorators, besideGatewayVariables, namespaceServed, writeHandlerFiles } from '../../core/blocks';
import { pick } from '../../core/conventions';
import { WEBSOCKET_DEPENDENCIES, addDependencies } from '../../core/dependencies';
import { addContractPart, gatewayTypes } from '../../core/contract';
import { resolveLocation } from '../../core/naming';
import { realtimeSchematic } from '../../core/run';
import { sharedPresenceImport, sharedRedisImport, writeSharedPresence, writeSharedRedis, writeSharedSocket } from '../../core/shared';
import type { PresenceOptions } from './schema';

/** Presence for a gateway's namespace, beside it: `presence chat` serves gateway `chat`, as `presence --gateway chat` does. */
export const presence = realtimeSchematic<PresenceOptions>((options, run) => (tree: Tree, context: SchematicContext) => {
  const { app, conventions } = run;
  const location = resolveLocation(options.name ?? options.gateway, { sourceRoot: app.sourceRoot, flat: true });
  const gateway = findGateway(tree, app.sourceRoot, options.gateway ?? options.name!);
  const directory = posix.dirname(gateway.path);
  const presenceFile = `${directory}/${location.fileName}.presence`;
  const namespace = namespaceServed(context, gateway, { fallback: location.fileName, file: presenceFile });
  const spec = pick(options.spec, conventions.spec);
  const types = gatewayTypes(gateway, namespace ?? '/');
  const variables = {
    ...location,
    ...besideGatewayVariables(tree, run, { file: presenceFile, namespace, types, specFileSuffix: options.specFileSuffix }),
    diffIntervalMs: withDigitSeparators(conventions.presence.diffIntervalMs),
    offlineGraceMs: withDigitSeparators(conventions.presence.offlineGraceMs),
    instanceTimeoutMs: withDigitSeparators(conventions.presence.instanceTimeoutMs),
    timers: app.testRunner === 'vitest' ? 'vi' : 'jest',
    sharedPresenceFromUnit: sharedPresenceImport(app, conventions, presenceFile),
    sharedRedisFromUnit: sharedRedisImport(app, conventions, presenceFile),
    eventsName: types.typeName,
  };

  return chain([
    writeSharedSocket(app, conventions),
    writeSharedRedis(app, conventions),
    writeSharedPresence(app, conventions),
    writeHandlerFiles({ folder: 'presence/files', directory, variables, spec, force: options.force ?? false }),
    addContractPart(app, conventions, types, 'presence/contract/contract.ts.template'),
    options.skipImport
      ? noop()
      : registerInModule({ key: 'providers', className: `${location.className}Presence`, file: presenceFile, directory, sourceRoot: app.sourceRoot, importSuffix: app.importSuffix, module: options.module, beside: served(gateway) }),
    applyGatewayDecorators(gateway, `${presenceFile}.ts`),
    addDependencies([...WEBSOCKET_DEPENDENCIES, { name: conventions.adapter.client }]),
  ]);
});

/** `30000` → `30_000`, as a reader writes a number of milliseconds. */
function withDigitSeparators(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, '_');
}
