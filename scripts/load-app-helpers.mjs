// test/support/ is the one implementation of "prepare / copy / run a real Nest app" (apps.ts and
// the modules it imports) and of signing test JWTs (jwt.ts); the e2e tests load them through
// ts-jest. They import only Node built-ins and each other, so transpiling them is all the
// plain-Node scripts (bench, demo) need to use them too.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import ts from 'typescript';

export const ROOT = path.resolve(import.meta.dirname, '..');
const SUPPORT = path.join(ROOT, 'test/support');
// `.js` files under a `"type": "commonjs"` folder: the transpiled `require('./processes')` resolves.
const COMPILED = path.join(ROOT, '.cache/scripts/test-support');

/**
 * Modules of test/support/, transpiled for plain Node with every module they import, their exports
 * merged: `loadTestSupport('apps', 'processes')` gives `createTestApp` and `startApp`.
 */
export function loadTestSupport(...names) {
  mkdirSync(COMPILED, { recursive: true });
  writeFileSync(path.join(COMPILED, 'package.json'), '{ "type": "commonjs" }\n');
  const done = new Set();
  const load = createRequire(import.meta.url);
  return Object.assign({}, ...names.map((name) => (transpile(name, done), load(path.join(COMPILED, `${name}.js`)))));
}

function transpile(name, done) {
  if (done.has(name)) return;
  done.add(name);
  const source = path.join(SUPPORT, `${name}.ts`);
  const text = readFileSync(source, 'utf8');
  for (const { fileName: specifier } of ts.preProcessFile(text, true, false).importedFiles) {
    if (specifier.startsWith('./')) transpile(specifier.slice(2), done);
    else if (!specifier.startsWith('node:')) {
      throw new Error(`${path.relative(ROOT, source)} imports ${specifier}: test support loaded by plain Node scripts may import only Node built-ins and each other.`);
    }
  }
  const { outputText } = ts.transpileModule(text, {
    fileName: source,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  writeFileSync(path.join(COMPILED, `${name}.js`), outputText);
}
