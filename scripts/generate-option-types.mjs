// Generates the TypeScript option types from each schema.json, so options are declared once
// (in the schema, which also drives validation and `--help`) and never hand-written twice.
// Output files are git-ignored; `npm run build`, `npm run typecheck` and `npm run test:unit` regenerate
// them first (their `pre` scripts), so each works on a fresh clone.
import { readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileFromFile } from 'json-schema-to-typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const banner = '// Generated from the JSON schema beside this file by scripts/generate-option-types.mjs. Do not edit.';

const targets = readdirSync(join(root, 'src/schematics'))
  .map((name) => join(root, 'src/schematics', name, 'schema.json'))
  .filter((file) => existsSync(file))
  .map((file) => ({ schema: file, output: join(dirname(file), 'schema.d.ts') }));
targets.push({ schema: join(root, 'realtime.schema.json'), output: join(root, 'src/core/conventions.schema.d.ts') });

for (const { schema, output } of targets) {
  const source = await compileFromFile(schema, {
    bannerComment: banner,
    additionalProperties: false,
    style: { singleQuote: true },
  });
  writeFileSync(output, source);
}
console.log(`option types generated for ${targets.length} schemas`);
