import { Tree } from '@angular-devkit/schematics';
import * as ts from 'typescript';
import { NEST_NEW_PRINT_WIDTH } from '../layout';

/**
 * The one kind of text change the AST helpers produce: text inserted at a position of the file as
 * it was read. Files are never reprinted, so user formatting and comments survive every edit.
 */
export interface Insertion {
  path: string;
  position: number;
  text: string;
  /**
   * Characters of the original text, from `position`, that `text` replaces: only ever the inside of
   * a one-line list that no longer fits its line, reflowed one element per line (see appendToList),
   * or an empty event map (`Record<string, never>`) becoming the interface of its first members.
   */
  replaces?: number;
}

/**
 * An import a helper's insertions rely on. Requests are resolved together, once per file, when
 * the edit is applied, so two helpers needing `@nestjs/common` produce one merged import.
 */
export interface ImportRequest {
  path: string;
  symbol: string;
  from: string;
  typeOnly?: boolean;
}

/** A file the tool would not edit, and what the user should do in it by hand. */
export interface ManualStep {
  path: string;
  step: string;
}

/**
 * What a helper wants done. A non-empty `manualSteps` means a file's shape was unexpected: that
 * whole file is then left untouched and the steps are printed, never guessed at.
 */
export interface Edit {
  insertions: Insertion[];
  imports: ImportRequest[];
  manualSteps: ManualStep[];
}

export const noEdit = (): Edit => ({ insertions: [], imports: [], manualSteps: [] });

export function manualStep(path: string, step: string): Edit {
  return { ...noEdit(), manualSteps: [{ path, step }] };
}

export function combineEdits(...edits: Edit[]): Edit {
  return {
    insertions: edits.flatMap((edit) => edit.insertions),
    imports: edits.flatMap((edit) => edit.imports),
    manualSteps: edits.flatMap((edit) => edit.manualSteps),
  };
}

export function parseSourceFile(tree: Tree, path: string): ts.SourceFile {
  return ts.createSourceFile(path, tree.readText(path), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** Leading whitespace of the line a node starts on, to indent inserted siblings like their neighbours. */
export function indentationOf(node: ts.Node): string {
  const source = node.getSourceFile().text;
  const lineStart = source.lastIndexOf('\n', node.getStart() - 1) + 1;
  return source.slice(lineStart, node.getStart()).match(/^\s*/)![0];
}

/** True when the node spans several lines (so an inserted element goes on a line of its own). */
export function isMultiline(node: ts.Node): boolean {
  const file = node.getSourceFile();
  return file.getLineAndCharacterOfPosition(node.getStart()).line !== file.getLineAndCharacterOfPosition(node.getEnd()).line;
}

/**
 * Insertion that appends `items` as the last elements of a list (array elements, import
 * specifiers, object properties, call arguments), keeping the list's layout: one element per line
 * stays one per line. A one-line list that would no longer fit its line goes one element a line,
 * as Prettier prints it (the `nest new` print width).
 */
export function appendToList(path: string, container: ts.Node, elements: ts.NodeArray<ts.Node>, items: string[]): Insertion {
  const reflowed = reflowedList(path, container, elements, elements.length, items);
  if (reflowed) return reflowed;
  const parenthesized = isParenthesized(container);
  if (elements.length === 0) {
    // `[]` → `[x]`; `{}` → `{ x }`; `()` → `(x)`, as Prettier writes them.
    const padding = ts.isArrayLiteralExpression(container) || parenthesized ? '' : ' ';
    const position = parenthesized ? elements.pos : container.getStart() + 1;
    return { path, position, text: `${padding}${items.join(', ')}${padding}` };
  }
  const last = elements[elements.length - 1];
  const separator = listSeparator(container, elements);
  return { path, position: last.getEnd(), text: `${separator}${items.join(separator)}` };
}

/** Insertion that puts `items` before the element at `index` of a non-empty list, keeping its layout like appendToList. */
export function insertIntoList(path: string, container: ts.Node, elements: ts.NodeArray<ts.Node>, index: number, items: string[]): Insertion {
  if (index >= elements.length) return appendToList(path, container, elements, items);
  const reflowed = reflowedList(path, container, elements, index, items);
  if (reflowed) return reflowed;
  const separator = listSeparator(container, elements);
  return { path, position: elements[index].getStart(), text: `${items.join(separator)}${separator}` };
}

/** Call arguments and parameters sit between parentheses: the list itself tells where it starts and whether it spans lines. */
function isParenthesized(container: ts.Node): boolean {
  return ts.isCallExpression(container) || ts.isFunctionLike(container);
}

/** `, ` between the elements of a one-line list; a line break and the elements' indentation in a multi-line one. */
function listSeparator(container: ts.Node, elements: ts.NodeArray<ts.Node>): string {
  const multiline = isParenthesized(container) ? container.getSourceFile().text.slice(elements.pos, elements.end).includes('\n') : isMultiline(container);
  return multiline ? `,\n${indentationOf(elements[elements.length - 1])}` : ', ';
}

/**
 * A one-line array, import list or argument list that `items` would push past the print width,
 * rewritten one element a line with a trailing comma, as Prettier prints it (`[\n    A,\n    B,\n  ]`).
 * Only the whitespace between the elements changes; each element's text is kept as written. Lists
 * with comments or a trailing comma, and other kinds of lists, are left to the plain insertion.
 */
function reflowedList(path: string, container: ts.Node, elements: ts.NodeArray<ts.Node>, index: number, items: string[]): Insertion | undefined {
  const source = container.getSourceFile();
  const braces = ts.isNamedImports(container);
  const inside = ts.isArrayLiteralExpression(container) || braces ? { start: container.getStart() + 1, end: container.getEnd() - 1 } : ts.isCallExpression(container) ? { start: elements.pos, end: elements.end } : undefined;
  if (!inside || elements.length === 0 || isMultiline(container) || elements.hasTrailingComma) return undefined;
  const lineStart = source.text.lastIndexOf('\n', container.getStart() - 1) + 1;
  const lineEnd = source.text.indexOf('\n', container.getStart());
  const lineLength = (lineEnd === -1 ? source.text.length : lineEnd) - lineStart;
  const added = items.reduce((length, item) => length + item.length + ', '.length, 0);
  if (lineLength + added <= NEST_NEW_PRINT_WIDTH) return undefined;
  const written = elements.map((element) => element.getText(source));
  const between = source.text.slice(inside.start, inside.end);
  // Anything but the elements, commas and spaces (a comment) is the user's: not reflowed.
  if (between.replace(/\s+/g, '') !== written.join(',').replace(/\s+/g, '')) return undefined;
  const indentation = indentationOf(container);
  const all = [...written.slice(0, index), ...items, ...written.slice(index)];
  const text = `\n${all.map((element) => `${indentation}  ${element},\n`).join('')}${indentation}`;
  return { path, position: inside.start, text, replaces: inside.end - inside.start };
}
