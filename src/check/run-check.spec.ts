import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { createAppTree } from '../../test/support/unit/app-tree';
import { createNxTree } from '../../test/support/unit/nx-tree';
import { textReport } from './report';
import { checkApp } from './run-check';

/** A gateway with wildcard CORS and an unvalidated payload: findings in any app. */
const FAULTY_GATEWAY = `import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';

@WebSocketGateway({ cors: { origin: '*' } })
export class LobbyGateway {
  @SubscribeMessage('post')
  post(@MessageBody() body: { text: string }): string {
    return body.text;
  }
}
`;

describe('checkApp: which source roots it reads', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'rs-run-check-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const writeTree = (tree: UnitTestTree) => {
    for (const path of tree.files) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), tree.readContent(path));
    }
  };
  const rules = (result: ReturnType<typeof checkApp>) => result.findings.map((finding) => `${finding.file} ${finding.rule}`);

  it('in an Nx workspace: every project without -p, one with -p, the fault in src/app/ found by both', () => {
    const tree = createNxTree();
    tree.create('/apps/api/src/app/lobby.gateway.ts', FAULTY_GATEWAY);
    writeTree(tree);
    const all = checkApp(root);
    expect(all.roots).toEqual(['apps/api/src', 'apps/api-e2e/src']);
    expect(all.fileCount).toBe(tree.files.filter((path) => /^\/apps\/api(-e2e)?\/src\/.*\.ts$/.test(path)).length);
    expect(rules(all)).toContain('apps/api/src/app/lobby.gateway.ts cors-wildcard');
    const api = checkApp(root, { project: 'api' });
    expect(api.roots).toEqual(['apps/api/src']);
    expect(rules(api)).toEqual(rules(all));
  });

  it('no file under the resolved source roots is an error naming the roots and the flag, never "no problems"', () => {
    const tree = createNxTree();
    tree.files.filter((path) => path.startsWith('/apps/')).forEach((path) => path.endsWith('project.json') || tree.delete(path));
    writeTree(tree);
    expect(() => checkApp(root)).toThrow(
      'No .ts file found under apps/api/src, apps/api-e2e/src, so nothing was checked: pass -p <project> (api, api-e2e), or set "sourceRoot" in realtime.json to the folder of the app\'s sources.',
    );
    expect(() => checkApp(root, { project: 'api' })).toThrow('No .ts file found under apps/api/src, so nothing was checked: is "api"\'s sourceRoot right?');

    // A plain app whose sources are elsewhere than nest-cli.json says.
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root);
    const plain = createAppTree('esm');
    plain.files.filter((path) => path.startsWith('/src/')).forEach((path) => plain.rename(path, path.replace('/src/', '/server/')));
    writeTree(plain);
    expect(() => checkApp(root)).toThrow(
      'No .ts file found under src, so nothing was checked: pass -p <project> for a project of a monorepo, or set "sourceRoot" in realtime.json to the folder of the app\'s sources.',
    );
    writeFileSync(join(root, 'realtime.json'), JSON.stringify({ sourceRoot: 'server' }));
    expect(checkApp(root)).toMatchObject({ roots: ['server'], findings: [] });
  });

  it('the report says how many files were read, with findings or without', () => {
    expect(textReport([], 1)).toBe('No problems found in 1 file checked.');
    expect(textReport([], 12)).toBe('No problems found in 12 files checked.');
  });
});
