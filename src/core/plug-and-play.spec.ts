import { createAppTree, createRunner, runSchematic, snapshotTree } from '../../test/support/unit/app-tree';
import { resolveAppContext } from './app-context';
import { PLUG_AND_PLAY_REFUSAL } from './plug-and-play';

describe("Yarn Plug'n'Play", () => {
  it('is refused with one line naming the nodeLinker workaround, and nothing is written', async () => {
    const tree = createAppTree('esm');
    tree.create('/.yarnrc.yml', 'nodeLinker: pnp\n');
    tree.create('/.pnp.cjs', '// the loader yarn writes\n');
    expect(PLUG_AND_PLAY_REFUSAL).not.toContain('\n');
    expect(PLUG_AND_PLAY_REFUSAL).toContain('`nodeLinker: node-modules` to .yarnrc.yml');
    expect(() => resolveAppContext(tree, {})).toThrow(PLUG_AND_PLAY_REFUSAL);
    const before = snapshotTree(tree);
    await expect(runSchematic(createRunner(), 'init', { skipInstall: true }, tree)).rejects.toThrow(PLUG_AND_PLAY_REFUSAL);
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('is not assumed from a yarn app with a node_modules linker', () => {
    const tree = createAppTree('esm');
    tree.create('/.yarnrc.yml', 'nodeLinker: node-modules\n');
    tree.create('/yarn.lock', '');
    expect(resolveAppContext(tree, {}).sourceRoot).toBe('src');
  });
});
