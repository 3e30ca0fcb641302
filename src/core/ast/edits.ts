import { SchematicContext, Tree } from '@angular-devkit/schematics';
import * as ts from 'typescript';

/**
 * The one kind of change the AST helpers produce: text inserted at a position of the file as it
 * was read. Files are never reprinted, so user formatting and comments survive every edit.
 */
export interface Insertion {
  path: string;
  position: number;
  text: string;
}

/**
 * What a helper wants done. A non-empty `manualSteps` means the file's shape was unexpected: the
 * whole file is then left untouched and the steps are printed, never guessed at.
 */
export interface Edit {
  insertions: Insertion[];
  manualSteps: ManualStep[];
}

/** A file the tool would not edit, and what the user should do in it by hand. */
export interface ManualStep {
  path: string;
  step: string;
}

export const noEdit = (): Edit => ({ insertions: [], manualSteps: [] });

export function manualStep(path: string, step: string): Edit {
  return { insertions: [], manualSteps: [{ path, step }] };
}

export function combineEdits(...edits: Edit[]): Edit {
  return {
    insertions: edits.flatMap((edit) => edit.insertions),
    manualSteps: edits.flatMap((edit) => edit.manualSteps),
  };
}

export function parseSourceFile(tree: Tree, path: string): ts.SourceFile {
  return ts.createSourceFile(path, tree.readText(path), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/**
 * Applies a list of edits once. A file with a manual step gets none of its insertions (half an
 * edit is worse than none); each manual step is printed as a warning and the run still succeeds.
 */
export function applyEdits(tree: Tree, context: SchematicContext, edit: Edit): void {
  const blockedFiles = new Set(edit.manualSteps.map(({ path }) => path));
  for (const { path, step } of edit.manualSteps) {
    context.logger.warn(`WARNING ${path} was left unchanged: ${step}`);
  }
  const byFile = new Map<string, Insertion[]>();
  for (const insertion of edit.insertions) {
    if (blockedFiles.has(insertion.path)) continue;
    byFile.set(insertion.path, [...(byFile.get(insertion.path) ?? []), insertion]);
  }
  for (const [path, insertions] of byFile) {
    const recorder = tree.beginUpdate(path);
    // Positions refer to the original text; the recorder keeps them stable across insertions.
    for (const { position, text } of [...insertions].sort((a, b) => a.position - b.position)) {
      recorder.insertLeft(position, text);
    }
    tree.commitUpdate(recorder);
  }
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
 * Insertion that appends `text` as the last element of a list (array elements, import specifiers,
 * object properties), keeping the list's layout: one element per line stays one per line.
 */
export function appendToList(
  path: string,
  container: ts.Node,
  elements: ts.NodeArray<ts.Node>,
  text: string,
): Insertion {
  if (elements.length === 0) {
    // `[]` → `[x]`; `{}` → `{ x }`, as Prettier writes them.
    const padding = ts.isArrayLiteralExpression(container) ? '' : ' ';
    return { path, position: container.getStart() + 1, text: `${padding}${text}${padding}` };
  }
  const last = elements[elements.length - 1];
  const separator = isMultiline(container) ? `,\n${indentationOf(last)}` : ', ';
  return { path, position: last.getEnd(), text: `${separator}${text}` };
}
