/** What a folder holds, to assert that a command changed nothing (or exactly what it should). */
import { createHash } from 'node:crypto';
import { readdir, readFile, readlink } from 'node:fs/promises';
import * as path from 'node:path';

/** Relative path → sha1 of every file under `dir`; entries named in `ignore` are skipped at any depth. */
export async function fileSnapshot(
  dir: string,
  ignore: string[] = ['node_modules', 'dist', '.git'],
): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(path.join(dir, relative), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (ignore.includes(entry.name)) continue;
      const child = path.posix.join(relative, entry.name);
      const absolute = path.join(dir, child);
      if (entry.isDirectory()) await walk(child);
      else if (entry.isSymbolicLink()) snapshot[child] = sha1(`symlink:${await readlink(absolute)}`);
      else snapshot[child] = sha1(await readFile(absolute));
    }
  };
  await walk('');
  return snapshot;
}

function sha1(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}
