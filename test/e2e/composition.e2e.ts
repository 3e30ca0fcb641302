import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppKind } from '../support/app-recipes';
import { createTestApp, removeTestApp } from '../support/apps';
import { outputSnapshot } from '../support/snapshots';
import { appBin, succeed } from '../support/commands';
import { TEST_JWT_SECRET } from '../support/jwt';

/**
 * SPEC §3 "Composition" on real apps: `gateway chat` with auth and filter on in realtime.json
 * writes byte for byte what `gateway chat` with them off followed by `ws-guard --gateway chat`
 * and `ws-filter --gateway chat` writes (files and module), and the result compiles, lints and
 * passes its generated specs, which `ws-guard` and `ws-filter` brought up to date. Blocks given to a
 * gateway written by hand write it a contract that compiles and lints at every step.
 */

/** A gateway as a team writes it by hand (as `nest g gateway live` does, with a namespace). */
const HAND_WRITTEN_GATEWAY = `import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';

@WebSocketGateway({ namespace: 'live' })
export class LiveGateway {
  @SubscribeMessage('ping')
  ping(): string {
    return 'pong';
  }
}
`;
const KINDS: AppKind[] = ['nest12-esm', 'nest11-cjs'];

describe.each(KINDS)('composition in a %s app', (kind) => {
  const apps: string[] = [];
  const cli = (app: string) => appBin(app, 'realtime-schematics');

  async function appWith(conventions: object): Promise<string> {
    const app = await createTestApp(kind);
    apps.push(app);
    writeFileSync(join(app, 'realtime.json'), JSON.stringify({ rooms: { enabled: true }, ...conventions }));
    return app;
  }

  afterAll(async () => {
    await Promise.all(apps.map(removeTestApp));
  });

  it('gateway with auth and filter on ≡ plain gateway + ws-guard --gateway + ws-filter --gateway, and it runs its specs', async () => {
    const composed = await appWith({ auth: { enabled: true }, filter: { enabled: true } });
    await succeed(composed, cli(composed), ['gateway', 'chat', '--skip-install']);

    const stepByStep = await appWith({ auth: { enabled: false }, filter: { enabled: false } });
    await succeed(stepByStep, cli(stepByStep), ['gateway', 'chat', '--skip-install']);
    const guard = await succeed(stepByStep, cli(stepByStep), ['ws-guard', '--gateway', 'chat', '--skip-install']);
    expect(guard.stdout).toContain('UPDATE src/chat/chat.rooms.ts');
    await succeed(stepByStep, cli(stepByStep), ['ws-filter', '--gateway', 'chat', '--skip-install']);

    const [composedFiles, stepFiles] = await Promise.all([outputSnapshot(composed), outputSnapshot(stepByStep)]);
    delete composedFiles['realtime.json'];
    delete stepFiles['realtime.json'];
    expect(Object.keys(stepFiles).sort()).toEqual(Object.keys(composedFiles).sort());
    expect(stepFiles).toEqual(composedFiles);
    // Equal, and composed: the guard and the filter are there (fileSnapshot holds hashes, so read the files).
    expect(readFileSync(join(composed, 'src/chat/chat.gateway.ts'), 'utf8')).toContain('@UseGuards(WsAuthGuard)\n@UseFilters(WsExceptionFilter)\nexport class ChatGateway');
    expect(readFileSync(join(composed, 'src/app.module.ts'), 'utf8')).toMatch(/imports: \[[^\]]*WsAuthModule\]/);

    // Both ways end in an app that compiles, lints clean and passes the specs generated for it.
    await succeed(composed, 'npm', ['run', 'build']);
    await succeed(composed, 'npm', ['run', 'lint']);
    await succeed(composed, 'npm', ['test']);
    await succeed(composed, 'npm', ['run', 'test:e2e'], { JWT_SECRET: TEST_JWT_SECRET });
  });
});

// Typed lint (the Nest 11 app's eslint) is what rejects an empty interface; Nest 12's oxlint does not.
describe('blocks on a gateway written by hand, in a nest11-cjs app', () => {
  const apps: string[] = [];

  afterAll(async () => {
    await Promise.all(apps.map(removeTestApp));
  });

  it('a hand-written gateway given the notifier and the client, then the room handler: its contract compiles and lints after each', async () => {
    const app = await createTestApp('nest11-cjs');
    apps.push(app);
    const cli = appBin(app, 'realtime-schematics');
    mkdirSync(join(app, 'src/live'));
    writeFileSync(join(app, 'src/live/live.gateway.ts'), HAND_WRITTEN_GATEWAY);

    await succeed(app, cli, ['notifier', '--gateway', 'live', '--skip-install']);
    await succeed(app, cli, ['client', '--gateway', 'live', '--skip-install']);
    const contract = () => readFileSync(join(app, 'src/live/live.contract.ts'), 'utf8');
    // No client events are known yet: an empty map, which typed lint accepts (an empty interface it flags).
    expect(contract()).toContain('export type LiveClientEvents = Record<string, never>;');
    await succeed(app, 'npm', ['run', 'build']);
    await succeed(app, 'npm', ['run', 'lint']);

    await succeed(app, cli, ['room-handler', 'live', '--gateway', 'live', '--skip-install']);
    expect(contract()).toMatch(/export interface LiveClientEvents \{\n {2}\/\*\* Joins a room/);
    await succeed(app, 'npm', ['run', 'build']);
    await succeed(app, 'npm', ['run', 'lint']);
  });
});
