import { SchematicContext, Tree } from '@angular-devkit/schematics';
import { Edit, Insertion, parseSourceFile } from './edits';
import { importInsertions } from './imports';

/**
 * Applies a list of edits once. Import requests are resolved per file here, so several helpers
 * share one merged import. A file with a manual step gets none of its insertions (half an edit is
 * worse than none); each manual step is printed as a warning and the run still succeeds.
 */
export function applyEdits(tree: Tree, context: Pick<SchematicContext, 'logger'>, edit: Edit): void {
  const blockedFiles = new Set(edit.manualSteps.map(({ path }) => path));
  for (const { path, step } of edit.manualSteps) {
    context.logger.warn(`WARNING ${path} was left unchanged: ${step}`);
  }
  const files = new Set([...edit.insertions, ...edit.imports].map(({ path }) => path).filter((path) => !blockedFiles.has(path)));
  for (const path of files) {
    const requests = edit.imports.filter((request) => request.path === path);
    const insertions: Insertion[] = [
      // Imports first: at an equal position (a list's end), they were requested by what follows.
      ...(requests.length ? importInsertions(parseSourceFile(tree, path), requests) : []),
      ...edit.insertions.filter((insertion) => insertion.path === path),
    ];
    if (insertions.length === 0) continue;
    const recorder = tree.beginUpdate(path);
    // Positions refer to the original text; the recorder keeps them stable across insertions.
    for (const { position, text, replaces } of insertions.sort((a, b) => a.position - b.position)) {
      if (replaces) recorder.remove(position, replaces);
      recorder.insertLeft(position, text);
    }
    tree.commitUpdate(recorder);
  }
}
