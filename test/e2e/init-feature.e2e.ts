import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, removeTestApp } from '../support/apps';
import { fileSnapshot, outputSnapshot } from '../support/snapshots';
import { appBin, succeed } from '../support/commands';

/**
 * `nest add` / `init` and the `feature` composite in a real Nest 12 ESM app with the packed package
 * installed: the Nest CLI's own add command, `--set-default` making plain `nest g` ours while every
 * stock schematic stays stock, reruns changing nothing, and `feature` identical through all three
 * entry points. (Build, lint, specs and runtime of `init` + `feature` in every app kind: app-kinds.e2e.ts.)
 */
const read = (app: string, file: string) => readFileSync(join(app, file), 'utf8');

describe('init and feature in a Nest 12 ESM app', () => {
  const apps: string[] = [];
  const newApp = async () => {
    const app = await createTestApp('nest12-esm');
    apps.push(app);
    return app;
  };

  afterAll(async () => {
    await Promise.all(apps.map(removeTestApp));
  });

  it('`nest add realtime-schematics --set-default` sets the app up; plain `nest g` then generates ours and keeps the stock schematics', async () => {
    const app = await newApp();
    // --skip-install: the package is already installed (as `npm i -D realtime-schematics` leaves it); nest add would fetch it.
    const added = await succeed(app, appBin(app, 'nest'), ['add', 'realtime-schematics', '--skip-install', '--set-default']);
    expect(added.stdout).toContain('Nest 12 app: ESM, vitest, npm, sources in src.');
    expect(added.stdout).toContain('CREATE realtime.json');
    expect(added.stdout).toContain('CREATE .env.example');
    expect(JSON.parse(read(app, 'nest-cli.json')).collection).toBe('realtime-schematics/default-collection.json');
    expect(JSON.parse(read(app, 'realtime.json'))).toMatchObject({
      auth: { enabled: true },
      rooms: { enabled: true },
      notifier: { enabled: true },
      presence: { enabled: true },
      rateLimit: { enabled: true },
    });
    // The $schema path resolves to the schema the installed package ships.
    expect(read(app, JSON.parse(read(app, 'realtime.json')).$schema)).toContain('"RealtimeConventions"');

    const gateway = await succeed(app, appBin(app, 'nest'), ['g', 'gateway', 'chat']);
    expect(gateway.stdout).toContain('CREATE src/chat/chat.gateway.ts');
    expect(read(app, 'src/chat/chat.gateway.ts')).toContain('@UseGuards(WsAuthGuard, WsRateLimitGuard)');
    expect(read(app, 'src/chat/chat.rooms.ts')).toContain("@SubscribeMessage('joinRoom')");

    // Stock schematics by their names and aliases, exactly as @nestjs/schematics writes them.
    await succeed(app, appBin(app, 'nest'), ['g', 'guard', 'auth', '--no-spec']);
    expect(read(app, 'src/auth/auth.guard.ts')).toContain('implements CanActivate');
    await succeed(app, appBin(app, 'nest'), ['g', 'f', 'http-error', '--no-spec']);
    expect(read(app, 'src/http-error/http-error.filter.ts')).toContain('implements ExceptionFilter');
    await succeed(app, appBin(app, 'nest'), ['g', 'service', 'users', '--no-spec']);
    expect(read(app, 'src/users/users.service.ts')).toContain('export class UsersService');
    // And ours by name.
    await succeed(app, appBin(app, 'nest'), ['g', 'feature', 'lobby']);
    expect(read(app, 'src/app.module.ts')).toContain('imports: [WsAuthModule, LobbyModule],');

    // Rerunning init changes nothing.
    const before = await fileSnapshot(app);
    const again = await succeed(app, appBin(app, 'realtime-schematics'), ['init', '--set-default']);
    expect(again.stdout).toContain('realtime.json exists: kept as it is.');
    expect(again.stdout).toContain('Nothing to be done.');
    expect(await fileSnapshot(app)).toEqual(before);
  });

  it('`feature chat` writes the same files through the own CLI, `nest g -c` and the devkit CLI, and a rerun changes nothing', async () => {
    const commands: Array<[string, string[]]> = [
      ['realtime-schematics', ['feature', 'chat']],
      ['nest', ['g', '-c', 'realtime-schematics', 'feature', 'chat']],
      ['schematics', ['realtime-schematics:feature', '--name=chat']],
    ];
    const snapshots = [];
    for (const [bin, args] of commands) {
      const app = await newApp();
      await succeed(app, appBin(app, 'realtime-schematics'), ['init', '--skip-install']);
      const result = await succeed(app, appBin(app, bin), args);
      // `nest g` exits 0 even when the schematic fails: the output and the files are checked.
      expect(result.stdout).toContain('CREATE src/chat/chat.module.ts');
      expect(result.stdout).toContain('UPDATE src/app.module.ts');
      snapshots.push(await outputSnapshot(app));
    }
    expect(snapshots[1]).toEqual(snapshots[0]);
    expect(snapshots[2]).toEqual(snapshots[0]);

    const app = apps[apps.length - 1];
    const rerun = await succeed(app, appBin(app, 'realtime-schematics'), ['feature', 'chat']);
    expect(rerun.stdout.trim()).toBe('Nothing to be done.');
    expect(await outputSnapshot(app)).toEqual(snapshots[2]);
  });
});
