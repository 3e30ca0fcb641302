import { Rule, SchematicContext, Tree, chain, noop, schematic } from '@angular-devkit/schematics';
import { resolveAppContext } from '../../core/app-context';
import { findRootModule } from '../../core/ast/main-file';
import { registerInModule } from '../../core/ast/modules';
import { loadConventions, pick } from '../../core/conventions';
import { installIfChanged } from '../../core/dependencies';
import { formatChangedFiles } from '../../core/format';
import { writeTemplates } from '../../core/generate';
import { resolveLocation } from '../../core/naming';
import type { FeatureOptions } from './schema';

export function feature(options: FeatureOptions): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const app = resolveAppContext(tree, options);
    const conventions = loadConventions(tree);
    const location = resolveLocation(options.name, { path: options.path, sourceRoot: app.sourceRoot, flat: pick(options.flat, conventions.flat) });
    const moduleFile = `${location.directory}/${location.fileName}.module`;
    const rootModule = options.module ?? findRootModule(tree, app.sourceRoot);
    const packageJsonBefore = tree.readText('/package.json');
    // The building blocks install nothing and format nothing: this rule does both once, at the end.
    const common = { project: options.project, sourceRoot: options.sourceRoot, force: options.force, skipInstall: true, format: false };

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
      options.skipImport
        ? noop()
        : rootModule
          ? registerInModule({ key: 'imports', className: `${location.className}Module`, file: moduleFile, directory: app.sourceRoot, sourceRoot: app.sourceRoot, importSuffix: app.importSuffix, module: rootModule })
          : () => context.logger.warn(`WARNING no root module found in ${app.sourceRoot}: add ${location.className}Module to its imports by hand.`),
      conventions.adapter.enabled ? schematic('redis-adapter', { ...common, skipImport: options.skipImport }) : noop(),
      installIfChanged(packageJsonBefore, options),
      pick(options.format, conventions.format) ? formatChangedFiles() : noop(),
    ]);
  };
}
