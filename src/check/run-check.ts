import { normalize, virtualFs } from '@angular-devkit/core';
import { NodeJsSyncHost } from '@angular-devkit/core/node';
import { HostTree, Tree } from '@angular-devkit/schematics';
import { findNestCliFile, readJsonFile, resolveAppContext } from '../core/app-context';
import { loadConventions } from '../core/conventions';
import { LEDGER_FILE, PACKAGE_VERSION, readLedger } from '../core/ledger';
import { checkSources } from './check';
import { readSourceFiles } from './files';
import { Finding } from './rule';
import { AppSources } from './sources';

export interface CheckResult {
  findings: Finding[];
  /** How many files were read and parsed. */
  fileCount: number;
}

/**
 * `realtime-schematics check` on the app at `root`: every `.ts` file of its source root (or, in a
 * monorepo, of each project's; `project` narrows it to one) parsed once with the package's own
 * TypeScript, realtime.json read as every schematic reads it. Reads only; writes nothing.
 */
export function checkApp(root: string, options: { project?: string } = {}): CheckResult {
  // The same read-only view of the app the schematics get, so the app and realtime.json are read (and refused) the same way.
  const tree: Tree = new HostTree(new virtualFs.ScopedHost(new NodeJsSyncHost(), normalize(root)));
  const conventions = loadConventions(tree);
  const texts = readSourceFiles(root, sourceRoots(tree, options.project));
  const sources = new AppSources(texts);
  const generated = tree.exists(`/${LEDGER_FILE}`) ? { files: readLedger(tree).files, installed: PACKAGE_VERSION } : undefined;
  return { findings: checkSources(sources, conventions, undefined, generated), fileCount: texts.length };
}

/** The project's source root, or every project's (the workspace's own first) when none is named. */
function sourceRoots(tree: Tree, project: string | undefined): string[] {
  if (project) return [resolveAppContext(tree, { project }).sourceRoot];
  const nestCliFile = findNestCliFile(tree);
  const projects = nestCliFile ? Object.keys(readJsonFile<{ projects?: Record<string, unknown> }>(tree, nestCliFile)?.projects ?? {}) : [];
  const roots = [resolveAppContext(tree, {}).sourceRoot, ...projects.map((name) => resolveAppContext(tree, { project: name }).sourceRoot)];
  return [...new Set(roots)];
}
