import { SchematicContext, Tree, chain, noop, schematic } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { findRootModule } from '../../core/ast/main-file';
import { registerInModule } from '../../core/ast/modules';
import { pick } from '../../core/conventions';
import { writeTemplates } from '../../core/generate';
import { resolveLocation } from '../../core/naming';
import { realtimeSchematic } from '../../core/run';
import type { FeatureOptions } from './schema';

/** A feature module, the gateway (with what the conventions apply to it), its notifier, presence and typed client inside it, the module imported into the root module, and the adapter. */
export const feature = realtimeSchematic<FeatureOptions>((options, { app, conventions }) => (tree: Tree, context: SchematicContext) => {
  const location = resolveLocation(options.name, { path: options.path, sourceRoot: app.sourceRoot, flat: pick(options.flat, conventions.flat) });
  const moduleFile = `${location.directory}/${location.fileName}.module`;
  const rootModule = options.module ?? findRootModule(tree, app.sourceRoot);
  const common = { project: options.project, sourceRoot: options.sourceRoot, force: options.force };
  // How the building blocks find the feature's gateway: its path from the source root, without `.gateway.ts`.
  const gatewayName = posix.relative(app.sourceRoot || '.', `${location.directory}/${location.fileName}`);

  return chain([
    // The module is edited by the building blocks right after it is written, and an existing one
    // (a rerun, or the team's own ChatModule) is kept: the registrations below are idempotent.
    writeTemplates({ folder: 'feature/files', destination: location.directory, variables: { ...location } }, { kind: 'shared' }),
    schematic('gateway', {
      ...common,
      name: options.name,
      path: options.path,
      flat: options.flat,
      spec: options.spec,
      specFileSuffix: options.specFileSuffix,
      e2eSpec: options.e2eSpec,
      module: `${moduleFile}.ts`,
    }),
    conventions.presence.enabled
      ? schematic('presence', { ...common, name: options.name, gateway: gatewayName, spec: options.spec, specFileSuffix: options.specFileSuffix, module: `${moduleFile}.ts`, skipImport: options.skipImport })
      : noop(),
    conventions.notifier.enabled
      ? schematic('notifier', {
          ...common,
          name: location.fileName,
          gateway: gatewayName,
          spec: options.spec,
          specFileSuffix: options.specFileSuffix,
          e2eSpec: options.e2eSpec,
          module: `${moduleFile}.ts`,
        })
      : noop(),
    // Last: the client is typed by the contract the blocks above completed, and the gateway's e2e spec switches to it.
    conventions.client.enabled ? schematic('client', { ...common, name: location.fileName, gateway: gatewayName, specFileSuffix: options.specFileSuffix }) : noop(),
    options.skipImport
      ? noop()
      : rootModule
        ? registerInModule({ key: 'imports', className: `${location.className}Module`, file: moduleFile, directory: app.sourceRoot, sourceRoot: app.sourceRoot, importSuffix: app.importSuffix, module: rootModule })
        : () => context.logger.warn(`WARNING no root module found in ${app.sourceRoot}: add ${location.className}Module to its imports by hand.`),
    conventions.adapter.enabled ? schematic('redis-adapter', { ...common, skipImport: options.skipImport }) : noop(),
  ]);
});
