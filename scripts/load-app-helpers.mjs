// test/support/ is the one implementation of "prepare / copy / run a real Nest app" (apps.ts) and
// of signing test JWTs (jwt.ts); the e2e tests load them through ts-jest. They import only Node
// built-ins, so transpiling them is all the plain-Node scripts (bench, demo) need to use them too.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import ts from 'typescript';

export const ROOT = path.resolve(import.meta.dirname, '..');

/** A module of test/support/ (built-ins only), transpiled for plain Node: `loadTestSupport('jwt')`. */
export function loadTestSupport(name) {
  const source = path.join(ROOT, `test/support/${name}.ts`);
  const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
    fileName: source,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const compiled = path.join(ROOT, `.cache/scripts/${name}.cjs`);
  mkdirSync(path.dirname(compiled), { recursive: true });
  writeFileSync(compiled, outputText);
  return createRequire(import.meta.url)(compiled);
}
