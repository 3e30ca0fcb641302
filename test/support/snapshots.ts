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

/** The generation ledger (SPEC §10), relative to the app root. */
const LEDGER = '.realtime/generated.json';

/**
 * `fileSnapshot`, with the ledger reduced to the files it records and their hashes: for apps reached
 * through different entry points or runs (`nest g` injects options the own CLI does not), whose
 * ledgers name different options for the same output.
 */
export async function outputSnapshot(dir: string): Promise<Record<string, string>> {
  const snapshot = await fileSnapshot(dir);
  if (!snapshot[LEDGER]) return snapshot;
  const { files } = JSON.parse(await readFile(path.join(dir, LEDGER), 'utf8')) as { files: Record<string, { hash?: string }> };
  snapshot[LEDGER] = sha1(JSON.stringify(Object.entries(files).map(([file, { hash }]) => [file, hash])));
  return snapshot;
}

function sha1(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}
