import { Tree } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import * as ts from 'typescript';
import { Edit, combineEdits, manualStep, noEdit, parseSourceFile } from './edits';
import { addImport, findImportSpecifier, findImportedName } from './imports';

/**
 * Wires a socket.io adapter into main.ts: after `const app = await NestFactory.create(...)` (found
 * by the local name NestFactory is imported under), the adapter is created, connected and passed to
 * `app.useWebSocketAdapter()`, and shutdown hooks are enabled so the adapter's clients close on
 * SIGTERM. Anything else (no create call, a create not assigned, another adapter already set) is a
 * manual step, never a guess.
 */
export function wireAdapterIntoMain(tree: Tree, mainPath: string, adapter: { name: string; from: string; variable: string }): Edit {
  const source = parseSourceFile(tree, mainPath);
  const manual = (why: string) =>
    manualStep(
      mainPath,
      `${why}; after the app is created add \`const ${adapter.variable} = new ${adapter.name}(app); await ${adapter.variable}.connectToRedis(); app.useWebSocketAdapter(${adapter.variable}); app.enableShutdownHooks();\` (import ${adapter.name} from '${adapter.from}').`,
    );
  const factory = findImportedName(source, 'NestFactory', '@nestjs/core');
  if (!factory) return manual('NestFactory from @nestjs/core is not imported');
  const create = findCall(source, (call) => call.expression.getText() === `${factory}.create`);
  const statement = create && appDeclaration(create);
  if (!statement) return manual(`no \`const app = await ${factory}.create(...)\` found`);
  const appName = (statement.declarationList.declarations[0].name as ts.Identifier).text;

  const imported = addImport(source, adapter.name, adapter.from);
  const existing = findCall(source, (call) => call.expression.getText() === `${appName}.useWebSocketAdapter`);
  if (existing) {
    const ours = source.text.includes(`new ${imported.localName}(`);
    return ours ? noEdit() : manual('a different WebSocket adapter is already set');
  }
  const indent = source.text.slice(source.text.lastIndexOf('\n', statement.getStart()) + 1, statement.getStart());
  const lines = [
    `const ${adapter.variable} = new ${imported.localName}(${appName});`,
    `await ${adapter.variable}.connectToRedis();`,
    `${appName}.useWebSocketAdapter(${adapter.variable});`,
    ...(findCall(source, (call) => call.expression.getText() === `${appName}.enableShutdownHooks`) ? [] : [`${appName}.enableShutdownHooks();`]),
  ];
  return combineEdits(imported.edit, {
    ...noEdit(),
    insertions: [{ path: mainPath, position: statement.getEnd(), text: lines.map((line) => `\n${indent}${line}`).join('') }],
  });
}

/**
 * The root module: the one main.ts passes to `NestFactory.create()` (followed through its relative
 * import, so a monorepo app's `OtherModule` is found too), else `app.module.ts` in the source root
 * or in its `app/` folder.
 */
export function findRootModule(tree: Tree, sourceRoot: string): string | undefined {
  const mainPath = posix.join(sourceRoot, 'main.ts');
  // `nest new` puts it beside main.ts, Nx in `app/`.
  const conventional = [posix.join(sourceRoot, 'app.module.ts'), posix.join(sourceRoot, 'app/app.module.ts')].find((path) => tree.exists(path));
  if (!tree.exists(mainPath)) return conventional;
  const source = parseSourceFile(tree, mainPath);
  const factory = findImportedName(source, 'NestFactory', '@nestjs/core');
  const create = factory ? findCall(source, (call) => call.expression.getText() === `${factory}.create`) : undefined;
  const moduleName = create?.arguments[0] && ts.isIdentifier(create.arguments[0]) ? create.arguments[0].text : undefined;
  const specifier = moduleName && findImportSpecifier(source, moduleName);
  if (!specifier?.startsWith('.')) return conventional;
  const path = posix.join(sourceRoot, specifier.replace(/\.js$/, '')) + '.ts';
  return tree.exists(path) ? path : conventional;
}

function findCall(node: ts.Node, matches: (call: ts.CallExpression) => boolean): ts.CallExpression | undefined {
  if (ts.isCallExpression(node) && matches(node)) return node;
  return ts.forEachChild(node, (child) => findCall(child, matches));
}

/** The `const app = await NestFactory.create(...)` statement around the call, if that is its shape. */
function appDeclaration(create: ts.CallExpression): ts.VariableStatement | undefined {
  const awaited = create.parent;
  const declaration = awaited && ts.isAwaitExpression(awaited) ? awaited.parent : undefined;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return undefined;
  const list = declaration.parent;
  if (!ts.isVariableDeclarationList(list) || list.declarations.length !== 1) return undefined;
  return ts.isVariableStatement(list.parent) ? list.parent : undefined;
}
