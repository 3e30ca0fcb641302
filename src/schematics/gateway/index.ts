import { Rule, Tree, chain, noop } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { resolveAppContext } from '../../core/app-context';
import { registerInModule } from '../../core/ast/modules';
import { loadConventions, pick } from '../../core/conventions';
import { addDependencies } from '../../core/dependencies';
import { formatChangedFiles } from '../../core/format';
import { layoutFor } from '../../core/layout';
import { writeTemplates } from '../../core/generate';
import { relativeImport, resolveLocation } from '../../core/naming';
import { sharedFolder, writeSharedSocket } from '../../core/shared';
import type { GatewayOptions } from './schema';

export function gateway(options: GatewayOptions): Rule {
  return (tree: Tree) => {
    const app = resolveAppContext(tree, options);
    const conventions = loadConventions(tree);
    const flat = pick(options.flat, conventions.flat);
    const location = resolveLocation(options.name, { path: options.path, sourceRoot: app.sourceRoot, flat });
    const spec = pick(options.spec, conventions.spec);
    const e2eSpec = pick(options.e2eSpec, conventions.e2eSpec);
    const specFileSuffix = options.specFileSuffix ?? 'spec';
    const gatewayFile = `${location.directory}/${location.fileName}.gateway`;
    const e2eFolder = posix.join(app.e2eRoot, location.group);
    const e2eFile = `${e2eFolder}/${location.fileName}.gateway.e2e-spec`;
    const shared = sharedFolder(app, conventions);

    const variables = {
      ...location,
      namespace: location.fileName,
      importSuffix: app.importSuffix,
      specFileSuffix,
      messageMaxLength: conventions.gateway.messageMaxLength,
      layout: layoutFor(tree),
      sharedSocketFromUnit: relativeImport(gatewayFile, `${shared}/realtime-socket`, app.importSuffix),
      gatewayFromE2e: relativeImport(e2eFile, gatewayFile, app.importSuffix),
    };
    const owned = { kind: 'owned', force: options.force ?? false } as const;

    return chain([
      writeSharedSocket(app, conventions),
      writeTemplates(
        { folder: 'gateway/files', destination: location.directory, variables, skip: (path) => !spec && path.includes('__specFileSuffix__') },
        owned,
      ),
      e2eSpec ? writeTemplates({ folder: 'gateway/e2e', destination: e2eFolder, variables }, owned) : noop(),
      options.skipImport
        ? noop()
        : registerInModule({ key: 'providers', className: `${location.className}Gateway`, file: gatewayFile, directory: location.directory, sourceRoot: app.sourceRoot, importSuffix: app.importSuffix, module: options.module }),
      addDependencies(
        [
          { name: '@nestjs/websockets' },
          { name: '@nestjs/platform-socket.io' },
          { name: 'socket.io' },
          { name: 'class-validator' },
          { name: 'class-transformer' },
          ...(e2eSpec ? [{ name: 'socket.io-client' as const, dev: true }] : []),
        ],
        options,
      ),
      pick(options.format, conventions.format) ? formatChangedFiles() : noop(),
    ]);
  };
}
