import Module, { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * Compiling TypeScript's 9 MB compiler is a third of a CLI run. Node 22.1+ caches compiled code
 * itself (`module.enableCompileCache`: every module the run loads, about 450); on Node 20 we load
 * the `typescript` module once through a V8 code cache kept in the temp folder, and place it in
 * require's cache so every later `require('typescript')` gets it. A stale or foreign cache is
 * rejected by V8 and rebuilt. `NODE_DISABLE_COMPILE_CACHE`, Node's own switch, turns both off.
 */
export function enableCompileCache(): void {
  const cacheDir = join(tmpdir(), 'realtime-schematics-compile-cache');
  const nodeModule = Module as unknown as { enableCompileCache?: (dir: string) => unknown };
  if (nodeModule.enableCompileCache) {
    nodeModule.enableCompileCache(cacheDir);
    return;
  }
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return;
  try {
    preloadWithCodeCache(require.resolve('typescript'), cacheDir);
  } catch {
    // The cache is an optimisation only: any failure falls back to a plain require.
  }
}

function preloadWithCodeCache(file: string, cacheDir: string): void {
  const version = (require('typescript/package.json') as { version: string }).version;
  const cacheFile = join(cacheDir, `typescript-${version}-${process.version}-${process.arch}.bin`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  const loaded = new Module(file, module) as Module & { filename: string; loaded: boolean; paths: string[] };
  loaded.filename = file;
  loaded.paths = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths(dirname(file));
  (script.runInThisContext() as (...args: unknown[]) => void)(loaded.exports, createRequire(file), loaded, file, dirname(file));
  loaded.loaded = true;
  require.cache[file] = loaded;
  if (cachedData && !script.cachedDataRejected) return;
  // Written at exit, after this run's parsing compiled the functions the next run will need.
  process.once('exit', () => {
    try {
      mkdirSync(cacheDir, { recursive: true });
      writeFileSync(cacheFile, script.createCachedData());
    } catch {
      // Read-only temp folder: run without the cache.
    }
  });
}
