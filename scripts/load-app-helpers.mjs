// test/support/apps.ts is the one implementation of "prepare / copy / run a real Nest app"
// (the e2e tests load it through ts-jest). It imports only Node built-ins, so transpiling it is all
// the plain-Node scripts (bench, demo) need to use it too.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import ts from 'typescript';

export const ROOT = path.resolve(import.meta.dirname, '..');

export function loadAppHelpers() {
  const source = path.join(ROOT, 'test/support/apps.ts');
  const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
    fileName: source,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const compiled = path.join(ROOT, '.cache/scripts/apps.cjs');
  mkdirSync(path.dirname(compiled), { recursive: true });
  writeFileSync(compiled, outputText);
  return createRequire(import.meta.url)(compiled);
}
