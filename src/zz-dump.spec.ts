import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createAppTree, createRunner, runSchematic } from '../test/support/unit/app-tree';

it('dumps', async () => {
  const tree = createAppTree((process.env.DUMP_KIND as 'esm' | 'cjs') ?? 'esm');
  tree.create('/realtime.json', process.env.DUMP_CONV ?? '{}');
  const { tree: result } = await runSchematic(createRunner(), 'feature', { name: 'chat' }, tree);
  for (const file of result.files.filter((f) => f.startsWith('/src/') || f.startsWith('/test/'))) {
    const out = join('/tmp/contract-dump', file);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, result.readContent(file));
  }
});
