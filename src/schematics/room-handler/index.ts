import { SchematicContext, Tree, chain, noop } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { findGateway } from '../../core/ast/gateways';
import { registerInModule, served } from '../../core/ast/modules';
import { pick } from '../../core/conventions';
import { WEBSOCKET_DEPENDENCIES, addDependencies } from '../../core/dependencies';
import { applyGatewayDecorators, besideGatewayVariables, namespaceServed, writeHandlerFiles } from '../../core/blocks';
import { addContractPart, gatewayTypes, namespaceTypes } from '../../core/contract';
import { resolveLocation } from '../../core/naming';
import { realtimeSchematic } from '../../core/run';
import { writeSharedSocket } from '../../core/shared';
import type { RoomHandlerOptions } from './schema';

export const roomHandler = realtimeSchematic<RoomHandlerOptions>((options, run) => (tree: Tree, context: SchematicContext) => {
  const { app, conventions } = run;
  const location = resolveLocation(options.name, { path: options.path, sourceRoot: app.sourceRoot, flat: pick(options.flat, conventions.flat) });
  const gateway = options.gateway ? findGateway(tree, app.sourceRoot, options.gateway) : undefined;
  const directory = gateway ? posix.dirname(gateway.path) : location.directory;
  const roomsFile = `${directory}/${location.fileName}.rooms`;
  // Without --gateway, the rooms serve the namespace named after them.
  const namespace = gateway ? namespaceServed(context, gateway, { fallback: location.fileName, file: roomsFile }) : location.fileName;
  const spec = pick(options.spec, conventions.spec);
  // The namespace's contract and server types: the gateway's, or this handler's own without one.
  const types = gateway ? gatewayTypes(gateway, namespace ?? '/') : namespaceTypes(directory, location.fileName, location.className, namespace ?? '/');
  const variables = {
    ...location,
    ...besideGatewayVariables(tree, run, { file: roomsFile, namespace, types, specFileSuffix: options.specFileSuffix }),
    maxRoomNameLength: conventions.rooms.maxRoomNameLength,
    maxRoomsPerSocket: conventions.rooms.maxRoomsPerSocket,
    messageMaxLength: conventions.gateway.messageMaxLength,
    eventsName: types.typeName,
  };
  const register = (className: string, file: string) =>
    registerInModule({ key: 'providers', className, file, directory, sourceRoot: app.sourceRoot, importSuffix: app.importSuffix, module: options.module, beside: gateway && served(gateway) });

  return chain([
    writeSharedSocket(app, conventions),
    writeHandlerFiles({ folder: 'room-handler/files', directory, variables, spec, force: options.force ?? false }),
    addContractPart(app, conventions, types, 'room-handler/contract/contract.ts.template'),
    options.skipImport ? noop() : register(`${location.className}Rooms`, roomsFile),
    options.skipImport ? noop() : register(`${location.className}RoomPolicy`, `${directory}/${location.fileName}.room-policy`),
    gateway ? applyGatewayDecorators(gateway, `${roomsFile}.ts`) : noop(),
    addDependencies(WEBSOCKET_DEPENDENCIES),
  ]);
});

