import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { HostTree } from '@angular-devkit/schematics';
import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { readSourceFiles, readTreeSourceFiles } from './files';

describe('readSourceFiles', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'rs-check-files-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const write = (path: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), `// ${path}\n`);
  };

  it('reads each .ts file of the source roots once, never .d.ts, node_modules, dist or hidden folders', () => {
    ['src/main.ts', 'src/chat/chat.gateway.ts', 'src/types.d.ts', 'src/chat/node_modules/x/index.ts', 'src/dist/out.ts', 'src/.cache/a.ts', 'src/readme.md', 'libs/shared/src/index.ts', 'test/app.e2e-spec.ts'].forEach(write);
    const files = readSourceFiles(root, ['src', 'libs/shared/src', 'src', 'missing']);
    expect(files.map((file) => file.path).sort()).toEqual(['libs/shared/src/index.ts', 'src/chat/chat.gateway.ts', 'src/main.ts']);
    expect(files.find((file) => file.path === 'src/main.ts')?.text).toBe('// src/main.ts\n');
  });
});

describe('readTreeSourceFiles', () => {
  it('reads the same files from a schematic tree, sorted by path', () => {
    const tree = new UnitTestTree(new HostTree());
    ['src/z.ts', 'src/chat/chat.gateway.ts', 'src/types.d.ts', 'src/node_modules/x/index.ts', 'src/.cache/a.ts', 'src/readme.md', 'other/x.ts'].forEach((path) => tree.create(path, `// ${path}\n`));
    const files = readTreeSourceFiles(tree, ['src', 'missing']);
    expect(files.map((file) => file.path)).toEqual(['src/chat/chat.gateway.ts', 'src/z.ts']);
    expect(files[1].text).toBe('// src/z.ts\n');
  });
});
