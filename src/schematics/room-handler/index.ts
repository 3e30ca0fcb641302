import { Rule, SchematicContext, Tree, chain, noop } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { resolveAppContext } from '../../core/app-context';
import { findGateway } from '../../core/ast/gateways';
import { registerInModule } from '../../core/ast/modules';
import { loadConventions, pick } from '../../core/conventions';
import { WEBSOCKET_DEPENDENCIES, addDependencies } from '../../core/dependencies';
import { formatChangedFiles } from '../../core/format';
import { writeTemplates } from '../../core/generate';
import { layoutFor } from '../../core/layout';
import { resolveLocation } from '../../core/naming';
import { authPiece, filterPiece, importFrom } from '../../core/pieces';
import { sharedImports, writeSharedSocket } from '../../core/shared';
import type { RoomHandlerOptions } from './schema';

export function roomHandler(options: RoomHandlerOptions): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const app = resolveAppContext(tree, options);
    const conventions = loadConventions(tree);
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
    const auth = conventions.auth.enabled ? authPiece(app, conventions) : undefined;
    const filter = conventions.filter.enabled ? filterPiece(app, conventions) : undefined;

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
      commonImports: ['Inject', ...(auth ? ['UseGuards'] : []), ...(filter ? ['UseFilters'] : [])].sort(),
      ...sharedImports(app, conventions, roomsFile),
      auth: auth && { guard: { name: auth.guard.name, fromUnit: importFrom(app, roomsFile, auth.guard) } },
      filter: filter && { name: filter.filter.name, fromUnit: importFrom(app, roomsFile, filter.filter) },
    };
    const register = (className: string, file: string) =>
      registerInModule({ key: 'providers', className, file, directory, sourceRoot: app.sourceRoot, importSuffix: app.importSuffix, module: options.module });

    return chain([
      writeSharedSocket(app, conventions),
      writeTemplates(
        { folder: 'room-handler/files', destination: directory, variables, skip: (path) => !spec && path.includes('__specFileSuffix__') },
        { kind: 'owned', force: options.force ?? false },
      ),
      options.skipImport ? noop() : register(`${location.className}Rooms`, roomsFile),
      options.skipImport ? noop() : register(`${location.className}RoomPolicy`, `${directory}/${location.fileName}.room-policy`),
      addDependencies(WEBSOCKET_DEPENDENCIES, options),
      pick(options.format, conventions.format) ? formatChangedFiles() : noop(),
    ]);
  };
}
