import { createAppTree, createRunner, runSchematic, snapshotTree } from '../../test/support/unit/app-tree';
import { LEDGER_FILE, Ledger, PACKAGE_VERSION, contentHash, readLedger, withRun } from './ledger';

const runner = createRunner();
const GATEWAY = 'src/chat/chat.gateway.ts';

function ledgerOf(tree: { readContent(path: string): string }): Ledger {
  return JSON.parse(tree.readContent(`/${LEDGER_FILE}`));
}

/** The app as an earlier version left it: `path` holds `text`, which the ledger recorded as written. */
function asWrittenBefore(tree: ReturnType<typeof createAppTree>, path: string, text: string): void {
  const ledger = ledgerOf(tree);
  tree.overwrite(`/${path}`, text);
  const entry = { ...ledger.files[path], content: text, hash: contentHash(text), version: '0.0.1' };
  tree.overwrite(`/${LEDGER_FILE}`, JSON.stringify({ ...ledger, files: { ...ledger.files, [path]: entry } }));
}

describe('the generation ledger', () => {
  it('records every file the run created, with the run, its version and the content as written, keys sorted', async () => {
    const { tree } = await runSchematic(runner, 'gateway', { name: 'chat' }, createAppTree('esm'));
    const text = tree.readContent(`/${LEDGER_FILE}`);
    const ledger = JSON.parse(text) as Ledger;
    expect(ledger.files[GATEWAY]).toEqual({
      content: tree.readContent(`/${GATEWAY}`),
      hash: contentHash(tree.readContent(`/${GATEWAY}`)),
      options: expect.objectContaining({ name: 'chat' }),
      schematic: 'gateway',
      version: PACKAGE_VERSION,
    });
    // Wiring is not recorded: the app module was the team's.
    expect(ledger.files['src/app.module.ts']).toBeUndefined();
    expect(Object.keys(ledger.files)).toEqual([...Object.keys(ledger.files)].sort());
    expect(Object.keys(ledger)).toEqual(['files', 'runs']);
    expect(Object.keys(ledger.files[GATEWAY])).toEqual(['content', 'hash', 'options', 'schematic', 'version']);
    expect(ledger.runs).toEqual([{ schematic: 'gateway', options: expect.objectContaining({ name: 'chat' }), version: PACKAGE_VERSION }]);
  });

  it('lets a rerun leave untouched output of an earlier version as it is, and refuses a file the team edited', async () => {
    const { tree } = await runSchematic(runner, 'gateway', { name: 'chat' }, createAppTree('esm'));
    // An earlier template: the file differs from this render, and is exactly as the ledger recorded it.
    asWrittenBefore(tree, GATEWAY, `// written by an earlier version\n${tree.readContent(`/${GATEWAY}`)}`);
    const before = snapshotTree(tree);
    await runSchematic(runner, 'gateway', { name: 'chat' }, tree);
    expect(snapshotTree(tree)).toEqual(before);

    tree.overwrite(`/${GATEWAY}`, `// the team's line\n${tree.readContent(`/${GATEWAY}`)}`);
    await expect(runSchematic(runner, 'gateway', { name: 'chat' }, tree)).rejects.toThrow(`${GATEWAY} already exists with different content`);
  });

  it('treats a file written before the ledger existed as the team’s', async () => {
    const { tree } = await runSchematic(runner, 'gateway', { name: 'chat' }, createAppTree('esm'));
    tree.delete(`/${LEDGER_FILE}`);
    tree.overwrite(`/${GATEWAY}`, `// an earlier version's template\n${tree.readContent(`/${GATEWAY}`)}`);
    await expect(runSchematic(runner, 'gateway', { name: 'chat' }, tree)).rejects.toThrow('already exists with different content');
  });

  it('follows a recorded file another run then edits while untouched (ws-guard --gateway), and adds that run', async () => {
    const tree = createAppTree('esm');
    await runSchematic(runner, 'gateway', { name: 'chat' }, tree);
    await runSchematic(runner, 'ws-guard', { gateway: 'chat' }, tree);
    const ledger = ledgerOf(tree);
    const gateway = tree.readContent(`/${GATEWAY}`);
    expect(gateway).toContain('@UseGuards(WsAuthGuard)');
    expect(ledger.files[GATEWAY]).toMatchObject({ content: gateway, schematic: 'ws-guard' });
    expect(ledger.runs.map((run) => run.schematic)).toEqual(['gateway', 'ws-guard']);
  });

  it('reads an absent ledger as empty, and keeps a run once, in its first place', () => {
    expect(readLedger(createAppTree('esm'))).toEqual({ files: {}, runs: [] });
    const a = { schematic: 'init', options: {}, version: '0.1.0' };
    const b = { schematic: 'feature', options: { name: 'chat' }, version: '0.1.0' };
    expect(withRun(withRun([a, b], { ...a, version: '0.2.0' }), b)).toEqual([{ ...a, version: '0.2.0' }, b]);
  });
});
