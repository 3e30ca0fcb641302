import { Rule, SchematicContext, Tree, chain, noop } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { applyEdits } from '../../core/ast/apply';
import { GatewayClass, addClassDecoratorArgument, classDecoratorArguments, findGateway, readGatewayClass } from '../../core/ast/gateways';
import { importPosition } from '../../core/ast/imports';
import { registerInModule } from '../../core/ast/modules';
import { pick } from '../../core/conventions';
import { WEBSOCKET_DEPENDENCIES, addDependencies } from '../../core/dependencies';
import { blocksAppliedTo, withBlocksApplied } from '../../core/blocks';
import { writeTemplates } from '../../core/generate';
import { layoutFor } from '../../core/layout';
import { resolveLocation } from '../../core/naming';
import { realtimeSchematic } from '../../core/run';
import { sharedImports, writeSharedSocket } from '../../core/shared';
import type { RoomHandlerOptions } from './schema';

export const roomHandler = realtimeSchematic<RoomHandlerOptions>((options, { app, conventions, format }) => (tree: Tree, context: SchematicContext) => {
  const location = resolveLocation(options.name, { path: options.path, sourceRoot: app.sourceRoot, flat: pick(options.flat, conventions.flat) });
  const gateway = options.gateway ? findGateway(tree, app.sourceRoot, options.gateway) : undefined;
  const directory = gateway ? posix.dirname(gateway.path) : location.directory;
  const roomsFile = `${directory}/${location.fileName}.rooms`;
  // The gateway's namespace when it can be read; a constant or a regex cannot: say so, never guess.
  let namespace: string | undefined = gateway ? (gateway.namespace ?? undefined) : location.fileName;
  if (gateway?.namespace === null) {
    namespace = location.fileName;
    context.logger.warn(
      `WARNING ${gateway.path}: the namespace of ${gateway.className} is not a string literal; set the same namespace in @WebSocketGateway() of ${roomsFile}.ts (generated with '${namespace}').`,
    );
  }
  const spec = pick(options.spec, conventions.spec);
  const variables = {
    ...location,
    namespaceLabel: namespace ?? '/',
    decoratorOptions: namespace === undefined ? '' : `{ namespace: '${namespace}' }`,
    importSuffix: app.importSuffix,
    specFileSuffix: options.specFileSuffix ?? 'spec',
    layout: layoutFor(tree),
    maxRoomNameLength: conventions.rooms.maxRoomNameLength,
    maxRoomsPerSocket: conventions.rooms.maxRoomsPerSocket,
    messageMaxLength: conventions.gateway.messageMaxLength,
    ...sharedImports(app, conventions, roomsFile),
  };
  const register = (className: string, file: string) =>
    registerInModule({ key: 'providers', className, file, directory, sourceRoot: app.sourceRoot, importSuffix: app.importSuffix, module: options.module });

  return chain([
    writeSharedSocket(app, conventions),
    writeTemplates(
      { folder: 'room-handler/files', destination: directory, variables, skip: (path) => !spec && path.includes('__specFileSuffix__') },
      {
        kind: 'owned',
        force: options.force ?? false,
        format,
        // On a rerun the room handler carries the gateway's guards and filters: what this run leaves is this render with them.
        expectedContent: (path, rendered) => {
          const rooms = path.endsWith(`${roomsFile}.ts`) ? readGatewayClass(tree, `${roomsFile}.ts`) : undefined;
          return rooms ? withBlocksApplied(app, path, rendered, blocksAppliedTo(rooms, app, conventions), 'handler') : rendered;
        },
      },
    ),
    options.skipImport ? noop() : register(`${location.className}Rooms`, roomsFile),
    options.skipImport ? noop() : register(`${location.className}RoomPolicy`, `${directory}/${location.fileName}.room-policy`),
    gateway ? applyGatewayDecorators(gateway, `${roomsFile}.ts`) : noop(),
    addDependencies(WEBSOCKET_DEPENDENCIES),
  ]);
});

/**
 * The room handler serves the gateway's namespace, so what guards and filters the gateway guards
 * and filters it too (Nest applies them per class): guards first, then filters, each as its own
 * edit, exactly as `ws-guard --gateway` and `ws-filter --gateway` apply them.
 */
function applyGatewayDecorators(gateway: GatewayClass, roomsPath: string): Rule {
  return (tree: Tree, context: SchematicContext) => {
    for (const decorator of [{ name: 'UseGuards', from: '@nestjs/common' }, { name: 'UseFilters', from: '@nestjs/common' }]) {
      const { imported, unresolved } = classDecoratorArguments(gateway, decorator);
      if (unresolved.length > 0) {
        context.logger.warn(`WARNING ${roomsPath}: add ${unresolved.join(', ')} to its @${decorator.name}() by hand, as on ${gateway.className}.`);
      }
      // In the order the gateway's imports show they were added, each beside its neighbours in the
      // gateway's list: the copy reads as the gateway does, imports included. One at a time: each
      // edit reads the class as the previous one left it.
      const added = (argument: { name: string; from: string }) => importPosition(gateway.source, argument.name, argument.from) ?? 0;
      for (const argument of [...imported].sort((a, b) => added(a) - added(b))) {
        const index = imported.indexOf(argument);
        const rooms = readGatewayClass(tree, roomsPath);
        const placement = { after: imported[index - 1], before: imported[index + 1] };
        if (rooms) applyEdits(tree, context, addClassDecoratorArgument(rooms, decorator, argument, placement));
      }
    }
  };
}
