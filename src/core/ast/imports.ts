import * as ts from 'typescript';
import { Edit, ImportRequest, Insertion, appendToList, noEdit } from './edits';

/** A symbol a helper uses: the import it needs (if any) and the name to write in code. */
export interface ImportedSymbol {
  edit: Edit;
  /** How the file refers to the symbol: its alias, `ns.Symbol` under a namespace import, or the name. */
  localName: string;
}

/** Two specifiers name the same module when they differ only by a `.js`/`.ts` suffix (ESM vs CommonJS). */
function sameModule(a: string, b: string): boolean {
  const strip = (specifier: string) => specifier.replace(/\.(js|ts)$/, '');
  return strip(a) === strip(b);
}

function importsFrom(source: ts.SourceFile, moduleSpecifier: string): ts.ImportDeclaration[] {
  return source.statements.filter(
    (statement): statement is ts.ImportDeclaration =>
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      sameModule(statement.moduleSpecifier.text, moduleSpecifier),
  );
}

/**
 * The local name under which `symbol` from `moduleSpecifier` is already imported, if it is:
 * `import { Module as NestModule }` → `NestModule`; `import * as common` → `common.Module`.
 */
export function findImportedName(
  source: ts.SourceFile,
  symbol: string,
  moduleSpecifier: string,
  options: { typeOnly?: boolean } = {},
): string | undefined {
  for (const declaration of importsFrom(source, moduleSpecifier)) {
    const bindings = declaration.importClause?.namedBindings;
    // A type-only import serves a type position, never a value one.
    if (!bindings || (declaration.importClause?.isTypeOnly && !options.typeOnly)) continue;
    if (ts.isNamespaceImport(bindings)) return `${bindings.name.text}.${symbol}`;
    const element = bindings.elements.find(
      (item) => (item.propertyName ?? item.name).text === symbol && (options.typeOnly || !item.isTypeOnly),
    );
    if (element) return element.name.text;
  }
  return undefined;
}

/**
 * Where the import of `symbol` from `moduleSpecifier` starts in the file, if it is imported. Edits
 * add their imports after the file's last one, so this order is the order they were applied in.
 */
export function importPosition(source: ts.SourceFile, symbol: string, moduleSpecifier: string): number | undefined {
  return importsFrom(source, moduleSpecifier).find((declaration) => {
    const bindings = declaration.importClause?.namedBindings;
    return bindings && ts.isNamedImports(bindings) && bindings.elements.some((item) => (item.propertyName ?? item.name).text === symbol);
  })?.getStart();
}

/** The module specifier a local name is imported from with a named import (`X` → `'./x.module.js'`). */
export function findImportSpecifier(source: ts.SourceFile, localName: string): string | undefined {
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings) && bindings.elements.some((element) => element.name.text === localName)) {
      return statement.moduleSpecifier.text;
    }
  }
  return undefined;
}

/** What a local name refers to, when a named import brings it: the exported name and the module (`Guard` → `WsAuthGuard` from `'./x.js'`). */
export function findImportedSymbol(source: ts.SourceFile, localName: string): { name: string; from: string } | undefined {
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || statement.importClause?.isTypeOnly) continue;
    const bindings = statement.importClause?.namedBindings;
    const element = bindings && ts.isNamedImports(bindings) ? bindings.elements.find((item) => item.name.text === localName) : undefined;
    if (element) return { name: (element.propertyName ?? element.name).text, from: statement.moduleSpecifier.text };
  }
  return undefined;
}

/** The name to use for `symbol`, and the import to add when it is not imported yet. */
export function addImport(
  source: ts.SourceFile,
  symbol: string,
  from: string,
  options: { typeOnly?: boolean } = {},
): ImportedSymbol {
  const existing = findImportedName(source, symbol, from, options);
  if (existing) return { edit: noEdit(), localName: existing };
  return { edit: { ...noEdit(), imports: [{ path: source.fileName, symbol, from, typeOnly: options.typeOnly }] }, localName: symbol };
}

/**
 * Turns one file's import requests into insertions: per module, missing symbols are merged into an
 * existing named import of the same kind (value, or `import type`), else one import is added after
 * the last one. Requests already satisfied, or repeated, add nothing.
 */
export function importInsertions(source: ts.SourceFile, requests: ImportRequest[]): Insertion[] {
  const groups = new Map<string, { from: string; typeOnly: boolean; symbols: string[] }>();
  for (const { symbol, from, typeOnly = false } of requests) {
    if (findImportedName(source, symbol, from, { typeOnly })) continue;
    const key = `${typeOnly}:${from.replace(/\.(js|ts)$/, '')}`;
    const group = groups.get(key) ?? { from, typeOnly, symbols: [] };
    if (!group.symbols.includes(symbol)) group.symbols.push(symbol);
    groups.set(key, group);
  }
  // New imports of packages go after the file's last package import, relative ones after its last
  // import: a reader finds `@nestjs/common` with the other packages, as Nest's own files have them.
  const newStatements = { package: [] as string[], relative: [] as string[] };
  const insertions: Insertion[] = [];
  for (const { from, typeOnly, symbols } of groups.values()) {
    const mergeTarget = importsFrom(source, from).find((declaration) => {
      const bindings = declaration.importClause?.namedBindings;
      return bindings && ts.isNamedImports(bindings) && (declaration.importClause?.isTypeOnly ?? false) === typeOnly;
    });
    const bindings = mergeTarget?.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      insertions.push(appendToList(source.fileName, bindings, bindings.elements, symbols));
    } else {
      newStatements[from.startsWith('.') ? 'relative' : 'package'].push(`import ${typeOnly ? 'type ' : ''}{ ${symbols.join(', ')} } from '${from}';`);
    }
  }
  const imports = source.statements.filter(ts.isImportDeclaration);
  const lastImport = imports[imports.length - 1];
  const lastPackageImport = [...imports].reverse().find((declaration) => !(declaration.moduleSpecifier as ts.StringLiteral).text.startsWith('.'));
  const after = (declaration: ts.ImportDeclaration | undefined, lines: string[]): Insertion =>
    declaration
      ? { path: source.fileName, position: declaration.getEnd(), text: lines.map((line) => `\n${line}`).join('') }
      : { path: source.fileName, position: imports[0]?.getStart() ?? 0, text: lines.map((line) => `${line}\n`).join('') };
  if (newStatements.package.length > 0) insertions.push(after(lastPackageImport, newStatements.package));
  if (newStatements.relative.length > 0) insertions.push(after(lastImport, newStatements.relative));
  return insertions;
}
