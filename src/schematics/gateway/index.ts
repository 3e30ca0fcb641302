import { Rule, Tree, chain, noop, schematic } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { resolveAppContext } from '../../core/app-context';
import { registerInModule } from '../../core/ast/modules';
import { loadConventions, pick } from '../../core/conventions';
import { WEBSOCKET_DEPENDENCIES, addDependencies } from '../../core/dependencies';
import { formatChangedFiles } from '../../core/format';
import { writeTemplates } from '../../core/generate';
import { layoutFor } from '../../core/layout';
import { relativeImport, resolveLocation } from '../../core/naming';
import { authPiece, filterPiece, importFrom, writeAuthPiece, writeFilterPiece } from '../../core/pieces';
import { sharedImports, writeSharedSocket } from '../../core/shared';
import type { GatewayOptions } from './schema';

export function gateway(options: GatewayOptions): Rule {
  return (tree: Tree) => {
    const app = resolveAppContext(tree, options);
    const conventions = loadConventions(tree);
    const flat = pick(options.flat, conventions.flat);
    const location = resolveLocation(options.name, { path: options.path, sourceRoot: app.sourceRoot, flat });
    const spec = pick(options.spec, conventions.spec);
    const specFileSuffix = options.specFileSuffix ?? 'spec';
    const e2eSpec = pick(options.e2eSpec, conventions.e2eSpec);
    const gatewayFile = `${location.directory}/${location.fileName}.gateway`;
    const e2eFolder = posix.join(app.e2eRoot, location.group);
    const e2eFile = `${e2eFolder}/${location.fileName}.gateway.e2e-spec`;
    // Shared pieces the conventions turn on: generated once (an existing copy is the team's), then applied.
    const auth = conventions.auth.enabled ? authPiece(app, conventions) : undefined;
    const filter = conventions.filter.enabled ? filterPiece(app, conventions) : undefined;
    const sharedPieces = { policy: { kind: 'shared' }, spec, specFileSuffix } as const;

    const variables = {
      ...location,
      namespace: location.fileName,
      importSuffix: app.importSuffix,
      specFileSuffix,
      messageMaxLength: conventions.gateway.messageMaxLength,
      layout: layoutFor(tree),
      commonImports: ['Logger', ...(auth ? ['Inject', 'UseGuards'] : []), ...(filter ? ['UseFilters'] : [])].sort(),
      ...sharedImports(app, conventions, gatewayFile),
      gatewayFromE2e: relativeImport(e2eFile, gatewayFile, app.importSuffix),
      auth: auth && {
        property: auth.property,
        guard: { name: auth.guard.name, fromUnit: importFrom(app, gatewayFile, auth.guard) },
        middleware: { name: auth.middleware.name, fromUnit: importFrom(app, gatewayFile, auth.middleware) },
        module: { name: auth.module.name, fromE2e: importFrom(app, e2eFile, auth.module) },
      },
      filter: filter && { name: filter.filter.name, fromUnit: importFrom(app, gatewayFile, filter.filter) },
    };
    const owned = { kind: 'owned', force: options.force ?? false } as const;
    const register = (key: 'providers' | 'imports', className: string, file: string) =>
      registerInModule({ key, className, file, directory: location.directory, sourceRoot: app.sourceRoot, importSuffix: app.importSuffix, module: options.module });

    return chain([
      writeSharedSocket(app, conventions),
      auth ? writeAuthPiece(tree, app, conventions, auth, sharedPieces) : noop(),
      filter ? writeFilterPiece(tree, app, filter, sharedPieces) : noop(),
      writeTemplates(
        { folder: 'gateway/files', destination: location.directory, variables, skip: (path) => !spec && path.includes('__specFileSuffix__') },
        owned,
      ),
      e2eSpec ? writeTemplates({ folder: 'gateway/e2e', destination: e2eFolder, variables }, owned) : noop(),
      options.skipImport ? noop() : register('providers', `${location.className}Gateway`, gatewayFile),
      options.skipImport || !auth ? noop() : register('imports', auth.module.name, auth.module.file),
      conventions.rooms.enabled
        ? schematic('room-handler', {
            name: location.fileName,
            gateway: posix.relative(app.sourceRoot, gatewayFile).replace(/\.gateway$/, ''),
            spec,
            specFileSuffix,
            skipImport: options.skipImport,
            force: options.force,
            project: options.project,
            sourceRoot: options.sourceRoot,
            module: options.module,
            skipInstall: true,
          })
        : noop(),
      addDependencies(
        [
          ...WEBSOCKET_DEPENDENCIES,
          ...(auth ? [{ name: '@nestjs/jwt' as const }] : []),
          ...(e2eSpec ? [{ name: 'socket.io-client' as const, dev: true }] : []),
        ],
        options,
      ),
      pick(options.format, conventions.format) ? formatChangedFiles() : noop(),
    ]);
  };
}
