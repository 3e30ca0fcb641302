import { posix } from 'node:path';
import * as ts from 'typescript';
import { findImportSpecifier, findImportedName } from '../core/ast/imports';

/** One TypeScript file of the app, parsed once; `path` is relative to the app root, with `/`. */
export interface CheckedFile {
  path: string;
  source: ts.SourceFile;
}

/** A class of the app and the file it is declared in. */
export interface AppClass {
  file: CheckedFile;
  node: ts.ClassDeclaration;
  name: string;
}

/**
 * The app's TypeScript as the rules see it: every file read, each parsed at most once and only when
 * a rule needs it — a whole-app search asks for the files whose text mentions what it looks for
 * (`cors`, `@nestjs/websockets`, …: a file without the word cannot hold the construct), and a
 * cross-file lookup parses the one file an import names. In a 1,260-file app most files are
 * services and controllers no rule needs, so most are never parsed. No type checker: a
 * whole-program check costs seconds, these lookups microseconds.
 */
export class AppSources {
  private readonly texts = new Map<string, string>();
  private readonly parsed = new Map<string, CheckedFile>();

  constructor(texts: { path: string; text: string }[]) {
    for (const { path, text } of texts) this.texts.set(path, text);
  }

  /** The parsed file at `path` (parsed on first use); undefined when the app has no such file. */
  file(path: string): CheckedFile | undefined {
    let file = this.parsed.get(path);
    const text = this.texts.get(path);
    if (!file && text !== undefined) {
      file = { path, source: ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS) };
      this.parsed.set(path, file);
    }
    return file;
  }

  /** Every file whose text contains one of `words`, parsed. */
  filesMentioning(...words: string[]): CheckedFile[] {
    const files: CheckedFile[] = [];
    for (const [path, text] of this.texts) {
      if (words.some((word) => text.includes(word))) files.push(this.file(path)!);
    }
    return files;
  }

  /** The app file a relative specifier names (`./x.js`, `./x`, `./x/index`); undefined for packages. */
  resolveModule(from: CheckedFile, specifier: string): CheckedFile | undefined {
    if (!specifier.startsWith('.')) return undefined;
    const base = posix.join(posix.dirname(from.path), specifier).replace(/\.(js|ts|mjs|cjs)$/, '');
    return this.file(`${base}.ts`) ?? this.file(`${base}/index.ts`);
  }

  /**
   * The declaration a local name stands for in `file`: a top-level declaration of that file, else
   * the exported declaration of the app file it is imported from (`import { X as Y } from './x'`).
   */
  resolveDeclaration(file: CheckedFile, localName: string, depth = 0): { file: CheckedFile; node: ts.Node } | undefined {
    const local = topLevelDeclaration(file.source, localName);
    if (local) return { file, node: local };
    const specifier = findImportSpecifier(file.source, localName);
    const target = specifier === undefined ? undefined : this.resolveModule(file, specifier);
    if (!target || depth > 8) return undefined;
    return this.exportedDeclaration(target, importedName(file.source, localName) ?? localName, depth + 1);
  }

  /**
   * The declaration a file exports as `name`: its own, or one it re-exports (`export { A as B } from
   * './a'`, `export * from './a'`, `import { A } from './a'; export { A }`), as a barrel file does.
   */
  private exportedDeclaration(file: CheckedFile, name: string, depth: number): { file: CheckedFile; node: ts.Node } | undefined {
    const node = topLevelDeclaration(file.source, name);
    if (node) return { file, node };
    if (depth > 8) return undefined;
    for (const statement of file.source.statements) {
      if (!ts.isExportDeclaration(statement)) continue;
      const target = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? this.resolveModule(file, statement.moduleSpecifier.text) : undefined;
      const clause = statement.exportClause;
      if (!clause) {
        const found = target && this.exportedDeclaration(target, name, depth + 1);
        if (found) return found;
        continue;
      }
      const element = ts.isNamedExports(clause) ? clause.elements.find((item) => item.name.text === name) : undefined;
      if (!element) continue;
      const original = (element.propertyName ?? element.name).text;
      if (target) return this.exportedDeclaration(target, original, depth + 1);
      return this.resolveDeclaration(file, original, depth + 1);
    }
    return undefined;
  }

  /** The app class a local name (or `Type<…>` reference) refers to, if it is one of the app's classes. */
  resolveClass(file: CheckedFile, localName: string): AppClass | undefined {
    const found = this.resolveDeclaration(file, localName);
    return found && ts.isClassDeclaration(found.node) && found.node.name ? { file: found.file, node: found.node, name: found.node.name.text } : undefined;
  }

  /**
   * What an expression evaluates to when it is a constant: an identifier declared `const X = …`
   * in this file or imported from another app file is followed (several hops), `as const`,
   * `satisfies` and parentheses are looked through. Returns the expression and the file it is in.
   */
  resolveValue(file: CheckedFile, expression: ts.Expression): { file: CheckedFile; expression: ts.Expression } {
    let current = { file, expression };
    for (let hop = 0; hop < 8; hop++) {
      const inner = unwrap(current.expression);
      if (!ts.isIdentifier(inner)) return { file: current.file, expression: inner };
      const found = this.resolveDeclaration(current.file, inner.text);
      if (!found || !ts.isVariableDeclaration(found.node) || !found.node.initializer) return { file: current.file, expression: inner };
      current = { file: found.file, expression: found.node.initializer };
    }
    return current;
  }

  /** The base class chain of an app class, nearest first (classes from packages end it). */
  baseClasses(appClass: AppClass): AppClass[] {
    const chain: AppClass[] = [];
    let current: AppClass | undefined = appClass;
    while (current && chain.length < 10) {
      const heritage: ts.HeritageClause | undefined = current.node.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword);
      const base: ts.Expression | undefined = heritage?.types[0]?.expression;
      current = base && ts.isIdentifier(base) ? this.resolveClass(current.file, base.text) : undefined;
      if (current) chain.push(current);
    }
    return chain;
  }
}

export function unwrap(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isTypeAssertionExpression(current)) {
    current = current.expression;
  }
  return current;
}

function topLevelDeclaration(source: ts.SourceFile, name: string): ts.Node | undefined {
  for (const statement of source.statements) {
    if (
      (ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isFunctionDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
      statement.name?.text === name
    ) {
      return statement;
    }
    if (ts.isVariableStatement(statement)) {
      const declaration = statement.declarationList.declarations.find((item) => ts.isIdentifier(item.name) && item.name.text === name);
      if (declaration) return declaration;
    }
  }
  return undefined;
}

/** The exported name behind a local alias (`import { A as B }` → `A` for `B`). */
function importedName(source: ts.SourceFile, localName: string): string | undefined {
  for (const statement of source.statements) {
    const bindings = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : undefined;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    const element = bindings.elements.find((item) => item.name.text === localName);
    if (element) return (element.propertyName ?? element.name).text;
  }
  return undefined;
}

/**
 * Where a local name of `file` is imported from: the module and the exported name (`*` for a
 * namespace import, `import * as cv from 'class-validator'`); undefined when no import declares it.
 */
export function importOf(file: CheckedFile, localName: string): { module: string; name: string } | undefined {
  for (const statement of file.source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings) && bindings.name.text === localName) return { module: statement.moduleSpecifier.text, name: '*' };
    const element = bindings && ts.isNamedImports(bindings) ? bindings.elements.find((item) => item.name.text === localName) : undefined;
    if (element) return { module: statement.moduleSpecifier.text, name: (element.propertyName ?? element.name).text };
  }
  return undefined;
}

/**
 * How `file` refers to `symbol` of `moduleSpecifier` (an alias, `ns.Symbol`), through the shared
 * import reader; undefined when it does not import it, so nothing in the file can be that symbol.
 */
export function localNameOf(file: CheckedFile, symbol: string, moduleSpecifier: string): string | undefined {
  return findImportedName(file.source, symbol, moduleSpecifier, { typeOnly: true });
}

/** The call of each decorator of `node` whose callee is `localName` (`@X(…)`; a bare `@X` counts, with no arguments). */
export function decoratorCalls(node: ts.Node, localName: string | undefined): ts.Decorator[] {
  if (!localName) return [];
  const decorators = ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : [];
  return decorators.filter((decorator) => calleeText(decorator.expression) === localName);
}

/** The arguments of a decorator found by decoratorCalls (none for a bare `@X`). */
export function decoratorArguments(decorator: ts.Decorator): readonly ts.Expression[] {
  return ts.isCallExpression(decorator.expression) ? decorator.expression.arguments : [];
}

function calleeText(expression: ts.Expression): string {
  return (ts.isCallExpression(expression) ? expression.expression : expression).getText();
}

/** Line and column (1-based) of a node's first character. */
export function positionOf(file: CheckedFile, node: ts.Node): { line: number; column: number } {
  const { line, character } = file.source.getLineAndCharacterOfPosition(node.getStart(file.source));
  return { line: line + 1, column: character + 1 };
}

/** Every node under `root` (depth first), `root` excluded; `skip` prunes a subtree. */
export function forEachDescendant(root: ts.Node, visit: (node: ts.Node) => void, skip?: (node: ts.Node) => boolean): void {
  const walk = (node: ts.Node): void => {
    if (skip?.(node)) return;
    visit(node);
    ts.forEachChild(node, walk);
  };
  ts.forEachChild(root, walk);
}
