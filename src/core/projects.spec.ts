import { createRunner, runSchematic, snapshotTree } from '../../test/support/unit/app-tree';
import { createNxTree } from '../../test/support/unit/nx-tree';
import { resolveAppContext, workspaceProjects } from './app-context';
import { findNxProjects } from './projects';

const runner = createRunner();

describe('Nx workspaces', () => {
  it('finds the projects from every project.json (comments allowed), named by `name`, source root `sourceRoot` or `<root>/src`', () => {
    const tree = createNxTree();
    expect(findNxProjects(tree)).toEqual([
      { name: 'api', root: 'apps/api', sourceRoot: 'apps/api/src', declaredIn: 'apps/api/project.json', isNestApp: true },
      { name: 'api-e2e', root: 'apps/api-e2e', sourceRoot: 'apps/api-e2e/src', declaredIn: 'apps/api-e2e/project.json', isNestApp: false },
    ]);
    // Without nx.json, a project.json is nobody's: not an Nx workspace.
    tree.delete('/nx.json');
    expect(findNxProjects(tree)).toEqual([]);
  });

  it('-p resolves an Nx project, whatever `sourceRoot` the Nest CLI passes as its default', () => {
    const tree = createNxTree();
    for (const sourceRoot of [undefined, 'src']) {
      expect(resolveAppContext(tree, { project: 'api', sourceRoot })).toMatchObject({ projectRoot: 'apps/api', sourceRoot: 'apps/api/src', e2eRoot: 'apps/api/test' });
    }
    expect(resolveAppContext(tree, { project: 'api', sourceRoot: 'apps/api/src/app' }).sourceRoot).toBe('apps/api/src/app');
    expect(() => resolveAppContext(tree, { project: 'web' })).toThrow(
      'Project "web" is not in nest-cli.json or any project.json of this Nx workspace (projects: api, api-e2e).',
    );
  });

  it('without -p: realtime.json `sourceRoot`, else the only Nest app; several apps are refused in one line', () => {
    const tree = createNxTree('cjs', ['api', 'admin']);
    expect(workspaceProjects(tree).map((project) => project.name)).toEqual(['admin', 'admin-e2e', 'api', 'api-e2e']);
    expect(() => resolveAppContext(tree, {})).toThrow(
      'This Nx workspace has several Nest apps (admin, api): pass -p <project>, or set "sourceRoot" in realtime.json.',
    );
    tree.create('/realtime.json', JSON.stringify({ sourceRoot: 'apps/admin/src' }));
    expect(resolveAppContext(tree, { sourceRoot: 'src' })).toMatchObject({ projectRoot: 'apps/admin', sourceRoot: 'apps/admin/src' });
    expect(resolveAppContext(tree, { project: 'api' }).sourceRoot).toBe('apps/api/src');

    expect(resolveAppContext(createNxTree(), {})).toMatchObject({ projectRoot: 'apps/api', sourceRoot: 'apps/api/src' });
  });

  it('realtime.json `sourceRoot` is validated by the schema', async () => {
    const tree = createNxTree();
    tree.create('/realtime.json', JSON.stringify({ sourceRoot: '../elsewhere' }));
    const before = snapshotTree(tree);
    await expect(runSchematic(runner, 'gateway', { name: 'chat' }, tree)).rejects.toThrow('realtime.json: "sourceRoot" must match pattern');
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('feature chat -p api writes into the project and imports its module into the root module in src/app/', async () => {
    const { tree, warnings } = await runSchematic(runner, 'feature', { name: 'chat', project: 'api', skipInstall: true }, createNxTree());
    expect(warnings).toEqual([]);
    expect(tree.exists('/apps/api/src/chat/chat.gateway.ts')).toBe(true);
    expect(tree.files.filter((path) => path.startsWith('/src/'))).toEqual([]);
    const rootModule = tree.readText('/apps/api/src/app/app.module.ts');
    expect(rootModule.match(/import \{ ChatModule \} from '\.\.\/chat\/chat\.module';/g)).toHaveLength(1);
    expect(rootModule).toMatch(/imports: \[ChatModule\]/);
  });

  it('gateway outside any module folder registers in the root module main.ts bootstraps', async () => {
    const { tree, warnings } = await runSchematic(runner, 'gateway', { name: 'other', flat: true, skipInstall: true }, createNxTree());
    expect(warnings).toEqual([]);
    expect(tree.exists('/apps/api/src/other.gateway.ts')).toBe(true);
    expect(tree.readText('/apps/api/src/app/app.module.ts')).toContain("import { OtherGateway } from '../other.gateway';");
  });
});
