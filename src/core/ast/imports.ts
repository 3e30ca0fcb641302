import * as ts from 'typescript';
import { Edit, Insertion, appendToList } from './edits';

/** A symbol imported from a module: what to insert (if anything) and the name to use in code. */
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
export function findImportedName(source: ts.SourceFile, symbol: string, moduleSpecifier: string): string | undefined {
  for (const declaration of importsFrom(source, moduleSpecifier)) {
    const bindings = declaration.importClause?.namedBindings;
    if (!bindings || declaration.importClause?.isTypeOnly) continue;
    if (ts.isNamespaceImport(bindings)) return `${bindings.name.text}.${symbol}`;
    const element = bindings.elements.find((item) => (item.propertyName ?? item.name).text === symbol && !item.isTypeOnly);
    if (element) return element.name.text;
  }
  return undefined;
}

/**
 * Imports `symbol` from `moduleSpecifier` unless it already is: merges into an existing named
 * import from that module, else adds an import after the last one. Running it twice changes nothing.
 */
export function addImport(source: ts.SourceFile, symbol: string, moduleSpecifier: string): ImportedSymbol {
  const path = source.fileName;
  const existing = findImportedName(source, symbol, moduleSpecifier);
  if (existing) {
    return { edit: { insertions: [], manualSteps: [] }, localName: existing };
  }
  const mergeTarget = importsFrom(source, moduleSpecifier).find((declaration) => {
    const bindings = declaration.importClause?.namedBindings;
    return bindings && ts.isNamedImports(bindings) && !declaration.importClause?.isTypeOnly;
  });
  const bindings = mergeTarget?.importClause?.namedBindings;
  const insertion: Insertion =
    bindings && ts.isNamedImports(bindings)
      ? appendToList(path, bindings, bindings.elements, symbol)
      : newImportStatement(source, `import { ${symbol} } from '${moduleSpecifier}';`);
  return { edit: { insertions: [insertion], manualSteps: [] }, localName: symbol };
}

function newImportStatement(source: ts.SourceFile, statement: string): Insertion {
  const lastImport = [...source.statements].reverse().find(ts.isImportDeclaration);
  return lastImport
    ? { path: source.fileName, position: lastImport.getEnd(), text: `\n${statement}` }
    : { path: source.fileName, position: 0, text: `${statement}\n` };
}
