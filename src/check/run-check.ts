import { normalize, virtualFs } from '@angular-devkit/core';
import { NodeJsSyncHost } from '@angular-devkit/core/node';
import { HostTree, Tree } from '@angular-devkit/schematics';
import { SchematicsException } from '@angular-devkit/schematics';
import { findNestCliFile, readJsonFile, resolveAppContext, workspaceProjects } from '../core/app-context';
import { isNxWorkspace } from '../core/projects';
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
  /** The source roots read, relative to the app root. */
  roots: string[];
}

/**
 * `realtime-schematics check` on the app at `root`: every `.ts` file of its source root (or, in a
 * monorepo or an Nx workspace, of each project's; `project` narrows it to one) parsed once with the
 * package's own TypeScript, realtime.json read as every schematic reads it. Reads only; writes
 * nothing. No file under those roots is an error: a check that read nothing must not pass.
 */
export function checkApp(root: string, options: { project?: string } = {}): CheckResult {
  // The same read-only view of the app the schematics get, so the app and realtime.json are read (and refused) the same way.
  const tree: Tree = new HostTree(new virtualFs.ScopedHost(new NodeJsSyncHost(), normalize(root)));
  const conventions = loadConventions(tree);
  const roots = sourceRoots(tree, options.project);
  const texts = readSourceFiles(root, roots);
  if (texts.length === 0) throw new SchematicsException(nothingToCheck(tree, roots, options.project));
  const sources = new AppSources(texts);
  const generated = tree.exists(`/${LEDGER_FILE}`) ? { files: readLedger(tree).files, installed: PACKAGE_VERSION } : undefined;
  return { findings: checkSources(sources, conventions, undefined, generated), fileCount: texts.length, roots };
}

function nothingToCheck(tree: Tree, roots: string[], project: string | undefined): string {
  const where = `No .ts file found under ${roots.join(', ')}, so nothing was checked`;
  if (project) return `${where}: is "${project}"'s sourceRoot right?`;
  const projects = workspaceProjects(tree).map((candidate) => candidate.name);
  const flag = projects.length ? `pass -p <project> (${projects.join(', ')})` : 'pass -p <project> for a project of a monorepo';
  return `${where}: ${flag}, or set "sourceRoot" in realtime.json to the folder of the app's sources.`;
}

/**
 * The project's source root, or every project's when none is named: the workspace's own first
 * (nest-cli.json's, or realtime.json's), then each nest-cli.json or Nx project's. An Nx workspace
 * without either has no source root of its own: only its projects'.
 */
function sourceRoots(tree: Tree, project: string | undefined): string[] {
  if (project) return [resolveAppContext(tree, { project }).sourceRoot];
  const projects = workspaceProjects(tree);
  const ownRoot = findNestCliFile(tree) !== undefined || !isNxWorkspace(tree) || typeof readJsonFile<{ sourceRoot?: unknown }>(tree, '/realtime.json')?.sourceRoot === 'string';
  const roots = [
    ...(ownRoot ? [resolveAppContext(tree, {}).sourceRoot] : []),
    ...projects.map((candidate) => resolveAppContext(tree, { project: candidate.name }).sourceRoot),
  ];
  return [...new Set(roots)];
}
