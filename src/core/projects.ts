import { Tree } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { readJsonFile } from './json-file';

/** A project of the workspace, from nest-cli.json `projects` or from an Nx `project.json`. */
export interface WorkspaceProject {
  name: string;
  /** Folder of the project, relative to the workspace root. */
  root?: string;
  /** Folder of its sources, relative to the workspace root. */
  sourceRoot?: string;
  /** The file that declares it: `nest-cli.json`, or the project's `project.json`. */
  declaredIn: string;
  /** A Nest app project: Nx's `projectType: "application"` with a `main.ts` in its source root. */
  isNestApp: boolean;
}

/** Folders never searched for project.json: installed packages, build output, Nx's own caches. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'tmp', 'coverage', 'out-tsc']);

/** An Nx workspace: `nx.json` at its root. */
export function isNxWorkspace(tree: Tree): boolean {
  return tree.exists('/nx.json');
}

/**
 * The projects of an Nx workspace, as Nx finds them: every `project.json` of the workspace (not in
 * node_modules, build output or hidden folders), named by its `name` (else its folder); the source
 * root is its `sourceRoot`, else `<root>/src`. Nx reads these files with comments allowed.
 * Empty when the workspace has no `nx.json`.
 */
export function findNxProjects(tree: Tree): WorkspaceProject[] {
  if (!isNxWorkspace(tree)) return [];
  let projects = found.get(tree);
  if (!projects) {
    projects = searchProjectFiles(tree);
    found.set(tree, projects);
  }
  return projects;
}

/** The projects of each tree, searched once: a run resolves the app for every project `check` reads. */
const found = new WeakMap<Tree, WorkspaceProject[]>();

function searchProjectFiles(tree: Tree): WorkspaceProject[] {
  const projects: WorkspaceProject[] = [];
  const visit = (folder: string): void => {
    const path = posix.join(folder, 'project.json');
    if (tree.exists(`/${path}`)) {
      const json = readJsonFile<{ name?: string; sourceRoot?: string; projectType?: string }>(tree, `/${path}`) ?? {};
      const root = folder;
      const sourceRoot = json.sourceRoot ?? posix.join(root || '.', 'src').replace(/^\.\//, '');
      projects.push({
        name: json.name ?? (posix.basename(root) || 'root'),
        root,
        sourceRoot,
        declaredIn: path,
        isNestApp: json.projectType !== 'library' && tree.exists(`/${posix.join(sourceRoot, 'main.ts')}`),
      });
    }
    for (const name of tree.getDir(`/${folder}`).subdirs) {
      if (!SKIPPED_FOLDERS.has(name) && !name.startsWith('.')) visit(folder ? posix.join(folder, name) : name);
    }
  };
  visit('');
  return projects.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
