import { Rule, SchematicContext, SchematicsException, Tree } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import * as ts from 'typescript';
import { relativeImport } from '../naming';
import { applyEdits } from './apply';
import { findRootModule } from './main-file';
import { Edit, Insertion, appendToList, combineEdits, indentationOf, isMultiline, manualStep, noEdit, parseSourceFile } from './edits';
import { addImport, findImportedName } from './imports';

export type ModuleArray = 'providers' | 'imports' | 'controllers' | 'exports';

/** The order of @Module() keys in Nest's docs and `nest g`: a new key goes where a reader expects it. */
const MODULE_KEY_ORDER: ModuleArray[] = ['imports', 'controllers', 'providers', 'exports'];

/**
 * Registers `symbol` (imported from `symbolModule`) in the `key` array of the first `@Module()`
 * class of `modulePath`. Adds the array when absent, does nothing when the symbol is already there,
 * and asks for a manual step when the metadata is not a literal it can edit safely.
 */
export function addToModuleArray(
  tree: Tree,
  modulePath: string,
  key: ModuleArray,
  symbol: string,
  symbolModule: string,
): Edit {
  const source = parseSourceFile(tree, modulePath);
  const manual = (why: string) => manualStep(modulePath, `${why}; add ${symbol} to its @Module() ${key} (import it from '${symbolModule}').`);

  const moduleDecoratorName = findImportedName(source, 'Module', '@nestjs/common');
  const metadata = moduleDecoratorName ? findModuleMetadata(source, moduleDecoratorName) : undefined;
  if (!metadata) return manual('no @Module() class found');
  if (!ts.isObjectLiteralExpression(metadata)) return manual('the @Module() argument is not an object literal');

  const property = metadata.properties.find((item) => item.name && propertyNameText(item.name) === key);
  if (property && !(ts.isPropertyAssignment(property) && ts.isArrayLiteralExpression(property.initializer))) {
    return manual(`"${key}" is not an array literal`);
  }
  const list = property?.initializer as ts.ArrayLiteralExpression | undefined;
  // Already imported under another name (an alias): register that name, not a second import.
  const imported = addImport(source, symbol, symbolModule);
  if (list?.elements.some((element) => element.getText() === imported.localName)) {
    return noEdit();
  }
  const registration = list
    ? appendToList(modulePath, list, list.elements, [imported.localName])
    : insertModuleKey(modulePath, metadata, key, `${key}: [${imported.localName}]`);
  return combineEdits(imported.edit, { ...noEdit(), insertions: [registration] });
}

/** A new `key: [...]` property, before the first key that follows it in Nest's order, else last. */
function insertModuleKey(modulePath: string, metadata: ts.ObjectLiteralExpression, key: ModuleArray, property: string): Insertion {
  const rank = (name: string | undefined) => MODULE_KEY_ORDER.indexOf(name as ModuleArray);
  const next = metadata.properties.find((item) => {
    const itemRank = item.name ? rank(propertyNameText(item.name)) : -1;
    return itemRank > rank(key);
  });
  if (!next) return appendToList(modulePath, metadata, metadata.properties, [property]);
  const separator = isMultiline(metadata) ? `\n${indentationOf(next)}` : ' ';
  return { path: modulePath, position: next.getStart(), text: `${property},${separator}` };
}

function findModuleMetadata(source: ts.SourceFile, decoratorName: string): ts.Expression | undefined {
  for (const statement of source.statements) {
    if (!ts.isClassDeclaration(statement)) continue;
    for (const decorator of ts.getDecorators(statement) ?? []) {
      const call = decorator.expression;
      if (ts.isCallExpression(call) && call.expression.getText() === decoratorName) {
        return call.arguments[0] ?? call;
      }
    }
  }
  return undefined;
}

function propertyNameText(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

/**
 * The module a new unit belongs to: `--module` when given (relative to the source root, or to the
 * workspace root), else the nearest `*.module.ts` walking up from `directory` to the source root,
 * else the root module `main.ts` bootstraps (Nx keeps it in `src/app/`, below the source root).
 */
export function findModule(tree: Tree, directory: string, sourceRoot: string, explicit?: string): string | undefined {
  if (explicit) {
    const candidates = [posix.join(sourceRoot, explicit), explicit].flatMap((path) =>
      path.endsWith('.ts') ? [path] : [`${path}.ts`, `${path}.module.ts`, posix.join(path, `${posix.basename(path)}.module.ts`)],
    );
    const found = candidates.find((path) => tree.exists(path));
    if (!found) {
      throw new SchematicsException(`Module "${explicit}" not found (looked for ${candidates.join(', ')}).`);
    }
    return found;
  }
  for (let folder = directory; ; folder = posix.dirname(folder)) {
    const modules = tree
      .getDir(folder)
      .subfiles.filter((file) => file.endsWith('.module.ts'))
      .sort();
    const preferred = modules.find((file) => file === `${posix.basename(folder)}.module.ts`) ?? modules[0];
    if (preferred) return posix.join(folder, preferred);
    if (folder === sourceRoot || folder === '.' || folder === '' || folder === '/') return findRootModule(tree, sourceRoot);
  }
}

/**
 * The module whose `providers` list `className` as imported from `file` (workspace-relative, without
 * extension): the module a gateway is registered in, wherever `--module` put it. Searched under the
 * source root; undefined when no module provides it.
 */
export function findModuleProviding(tree: Tree, sourceRoot: string, provided: { className: string; file: string; importSuffix: string }): string | undefined {
  const modules: string[] = [];
  tree.getDir(sourceRoot || '/').visit((path) => {
    if (path.endsWith('.module.ts') && !path.includes('/node_modules/')) modules.push(path.replace(/^\//, ''));
  });
  return modules.sort().find((modulePath) => {
    const source = parseSourceFile(tree, modulePath);
    const localName = findImportedName(source, provided.className, relativeImport(modulePath, provided.file, provided.importSuffix));
    const moduleDecoratorName = findImportedName(source, 'Module', '@nestjs/common');
    const metadata = moduleDecoratorName ? findModuleMetadata(source, moduleDecoratorName) : undefined;
    if (!localName || !metadata || !ts.isObjectLiteralExpression(metadata)) return false;
    const providers = metadata.properties.find((item) => item.name && propertyNameText(item.name) === 'providers');
    return (
      providers !== undefined &&
      ts.isPropertyAssignment(providers) &&
      ts.isArrayLiteralExpression(providers.initializer) &&
      providers.initializer.elements.some((element) => element.getText() === localName)
    );
  });
}

/** A gateway as `beside` names it: the class and its file without extension. */
export function served(gateway: { className: string; path: string }): { className: string; file: string } {
  return { className: gateway.className, file: gateway.path.replace(/^\//, '').replace(/\.ts$/, '') };
}

/** The module `registerInModule` registers in: `--module`, else the module providing `beside`, else the nearest one. */
export function findTargetModule(
  tree: Tree,
  target: { directory: string; sourceRoot: string; importSuffix: string; module?: string; beside?: { className: string; file: string } },
): string | undefined {
  const besideModule = target.module || !target.beside ? undefined : findModuleProviding(tree, target.sourceRoot, { ...target.beside, importSuffix: target.importSuffix });
  return besideModule ?? findModule(tree, target.directory, target.sourceRoot, target.module);
}

/**
 * Registers a generated class in the nearest module (or `--module`), importing it with the app's
 * import suffix. A class that serves another (`beside`: the auth module of a gateway, its notifier)
 * goes where that one is provided when no `--module` is given, so each module has what its providers
 * inject. No module at all is a warning with the manual step, not a failure: the generated
 * files are the main goal.
 */
export function registerInModule(target: {
  key: ModuleArray;
  className: string;
  /** Workspace-relative path of the class's file, without extension. */
  file: string;
  /** Folder to start looking for the nearest module from. */
  directory: string;
  sourceRoot: string;
  importSuffix: string;
  module?: string;
  /** The class this one serves (a gateway): its module is preferred to the nearest one. */
  beside?: { className: string; file: string };
}): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const modulePath = findTargetModule(tree, target);
    if (!modulePath) {
      context.logger.warn(
        `WARNING no module found from ${target.directory} up to ${target.sourceRoot}: add ${target.className} to a module's ${target.key} by hand.`,
      );
      return;
    }
    const specifier = relativeImport(modulePath, target.file, target.importSuffix);
    applyEdits(tree, context, addToModuleArray(tree, modulePath, target.key, target.className, specifier));
  };
}

/** The class name of the first `@Module()` class of `modulePath`, if it has one. */
export function moduleClassName(tree: Tree, modulePath: string): string | undefined {
  const source = parseSourceFile(tree, modulePath);
  const decoratorName = findImportedName(source, 'Module', '@nestjs/common');
  const moduleClass = source.statements.find(
    (statement): statement is ts.ClassDeclaration =>
      ts.isClassDeclaration(statement) &&
      (ts.getDecorators(statement) ?? []).some((decorator) => ts.isCallExpression(decorator.expression) && decorator.expression.expression.getText() === decoratorName),
  );
  return decoratorName ? moduleClass?.name?.text : undefined;
}
