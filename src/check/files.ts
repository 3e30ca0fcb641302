import { Tree } from '@angular-devkit/schematics';
import { Dirent, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

/** Folders never checked: installed packages, build output, and hidden folders (.git, .cache). */
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'coverage']);

/** Every `.ts` file (not `.d.ts`) under the given folders of the app, read once; paths relative to `root`, with `/`. */
export function readSourceFiles(root: string, folders: string[]): { path: string; text: string }[] {
  const files = new Map<string, string>();
  const visit = (folder: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, folder), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = folder ? posix.join(folder, entry.name) : entry.name;
      if (entry.isDirectory()) {
        if (isReadFolder(entry.name)) visit(path);
      } else if (entry.isFile() && isSourceFile(entry.name) && !files.has(path)) {
        files.set(path, readFileSync(join(root, path), 'utf8'));
      }
    }
  };
  folders.forEach(visit);
  return [...files].map(([path, text]) => ({ path, text }));
}

/**
 * The same files as `readSourceFiles`, read from a schematic's tree (what the run sees, its own
 * edits included), sorted by path so that what is built from them does not depend on the host's
 * directory order.
 */
export function readTreeSourceFiles(tree: Tree, folders: string[]): { path: string; text: string }[] {
  const files = new Map<string, string>();
  const visit = (folder: string): void => {
    const directory = tree.getDir(`/${folder}`);
    for (const name of directory.subfiles) {
      const path = folder ? posix.join(folder, name) : name;
      if (isSourceFile(name) && !files.has(path)) files.set(path, tree.readText(`/${path}`));
    }
    for (const name of directory.subdirs) {
      if (isReadFolder(name)) visit(folder ? posix.join(folder, name) : name);
    }
  };
  folders.forEach(visit);
  return [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, text]) => ({ path, text }));
}

function isReadFolder(name: string): boolean {
  return !SKIPPED_FOLDERS.has(name) && !name.startsWith('.');
}

function isSourceFile(name: string): boolean {
  return name.endsWith('.ts') && !name.endsWith('.d.ts');
}
