import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { HostKind, createAppTree } from './app-tree';

/**
 * An Nx workspace's layout (`create-nx-workspace --preset=nest`) made from the Nest app tree: the
 * app in `apps/<name>/` with its `project.json`, its root module in `src/app/`, `main.ts` importing
 * it from there, an `<name>-e2e` project beside it, `nx.json` at the root and no `nest-cli.json`.
 * `apps` lists the Nest apps to lay out (the first keeps the tree's files).
 */
export function createNxTree(kind: HostKind = 'cjs', apps: string[] = ['api']): UnitTestTree {
  const tree = createAppTree(kind);
  const suffix = kind === 'esm' ? '.js' : '';
  tree.delete('/nest-cli.json');
  tree.create('/nx.json', JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json', plugins: [] }, null, 2));
  const sources = tree.files.filter((path) => path.startsWith('/src/'));
  for (const [index, name] of apps.entries()) {
    for (const path of sources) {
      const target = path === '/src/main.ts' ? `/apps/${name}/src/main.ts` : path.replace('/src/', `/apps/${name}/src/app/`);
      const text = tree.readText(path).replace(`'./app.module${suffix}'`, `'./app/app.module${suffix}'`);
      tree.create(target, text);
    }
    tree.create(`/apps/${name}/project.json`, JSON.stringify({ name, sourceRoot: `apps/${name}/src`, projectType: 'application', targets: {} }, null, 2));
    tree.create(`/apps/${name}/jest.config.cts`, `module.exports = { displayName: '${name}', preset: '../../jest.preset.js' };\n`);
    tree.create(
      `/apps/${name}-e2e/project.json`,
      // Nx reads project.json with comments, as here.
      `{\n  // the e2e project of ${name}\n  "name": "${name}-e2e",\n  "projectType": "application",\n  "implicitDependencies": ["${name}"]\n}\n`,
    );
    tree.create(`/apps/${name}-e2e/src/${name}/${name}.spec.ts`, `describe('GET /api', () => undefined);\n`);
    if (index === apps.length - 1) sources.forEach((path) => tree.delete(path));
  }
  return tree;
}
