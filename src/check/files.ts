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
        if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('.')) visit(path);
      } else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !files.has(path)) {
        files.set(path, readFileSync(join(root, path), 'utf8'));
      }
    }
  };
  folders.forEach(visit);
  return [...files].map(([path, text]) => ({ path, text }));
}
