import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createTestApp, removeTestApp } from '../support/apps';
import { type Chromium, ensureChromium, launchChromium } from '../support/browser';
import { appBin, succeed } from '../support/commands';
import { TEST_JWT_SECRET, signJwt } from '../support/jwt';
import { type RunningApp, mustRun, startApp } from '../support/processes';
import { REPO_ROOT } from '../support/repo';
import { type StaticSite, serveFolder } from '../support/static-site';

/**
 * The front end is a browser (issue 15): a real Nest 12 ESM app (`init` + `feature chat` +
 * `redis-adapter`, in-memory adapter) started with WS_CORS_ORIGINS naming one origin; a small page
 * (fixtures/browser/) bundled by esbuild with the app's chat client (scripts/bundle-chat-page.mjs)
 * and served from that origin and from a foreign one; two tabs of headless Chromium chatting
 * through it, and the foreign page refused on both transports. The test acts through the page's
 * forms and reads what the page shows.
 */
const FIXTURE = join(__dirname, 'fixtures/browser');
/** The module the page imports as `chat-client`: the client `feature chat` generated. */
const clientFile = (app: string) => join(app, 'src/chat/chat.client.ts');
const TRANSPORTS = ['polling', 'websocket'] as const;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** index.html and page.js (one script, the client and socket.io-client inside) in a new folder. */
async function bundlePage(client: string): Promise<string> {
  const folder = await mkdtemp(join(os.tmpdir(), 'rs-page-'));
  await mustRun(process.execPath, [join(REPO_ROOT, 'scripts/bundle-chat-page.mjs'), client, folder], { cwd: REPO_ROOT });
  return folder;
}

/**
 * The page type-checks against the client as a front end compiles it: DOM types, no Node types,
 * strict, with the app's own TypeScript.
 */
async function typeCheckPage(app: string, client: string, folder: string): Promise<void> {
  const tsconfig = join(folder, 'tsconfig.json');
  await writeFile(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        module: 'ESNext',
        moduleResolution: 'Bundler',
        types: [],
        paths: { 'chat-client': [client] },
      },
      files: [join(FIXTURE, 'page.ts')],
    }),
  );
  await succeed(app, appBin(app, 'tsc'), ['-p', tsconfig]);
}

describe('the chat client in two tabs of headless Chromium', () => {
  let app: string;
  let server: RunningApp;
  let pageFolder: string;
  let allowed: StaticSite;
  let foreign: StaticSite;
  let chromium: Chromium;
  /** The tabs' uncaught errors (none expected). */
  const pageErrors: string[] = [];
  /** What each tab printed to its console (the browser's own CORS and WebSocket errors included). */
  const consoles = new WeakMap<Page, string[]>();

  beforeAll(async () => {
    await ensureChromium();
    app = await createTestApp('nest12-esm');
    const cli = appBin(app, 'realtime-schematics');
    await succeed(app, cli, ['init', '--skip-install']);
    await succeed(app, cli, ['feature', 'chat']);
    await succeed(app, cli, ['redis-adapter']);
    await succeed(app, 'npm', ['run', 'build']);
    pageFolder = await bundlePage(clientFile(app));
    await typeCheckPage(app, clientFile(app), pageFolder);
    allowed = await serveFolder(pageFolder);
    foreign = await serveFolder(pageFolder);
    server = await startApp(app, { JWT_SECRET: TEST_JWT_SECRET, WS_CORS_ORIGINS: allowed.origin, REDIS_URL: '' });
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
    await Promise.all([allowed?.close(), foreign?.close()]);
    if (pageFolder) await rm(pageFolder, { recursive: true, force: true });
    if (app) await removeTestApp(app);
  });

  /**
   * A new tab on the page from `site`, as user `sub` (a token signed with `secret`); `transport`
   * forces one. Resolves once the page has settled: connected or refused.
   */
  async function openTab(site: StaticSite, sub: string, transport?: string, secret = TEST_JWT_SECRET): Promise<Page> {
    const tab = await chromium.context.newPage();
    tab.on('pageerror', (error) => pageErrors.push(`${sub}: ${error.message}`));
    const said: string[] = [];
    consoles.set(tab, said);
    tab.on('console', (message) => said.push(message.text()));
    const query = new URLSearchParams({ server: server.url, ...(transport ? { transport } : {}) });
    await tab.goto(`${site.origin}/?${query}#token=${signJwt({ sub }, secret)}`);
    await tab.locator('#status:not([data-state="connecting"])').waitFor({ timeout: 15_000 }).catch(() => {
      throw new Error(`${sub}'s page from ${site.origin} (${transport ?? 'default transports'}) neither connected nor showed a refusal in 15 s; its console: ${JSON.stringify(said)}`);
    });
    return tab;
  }

  const status = (tab: Page) => tab.locator('#status').textContent();
  /** The texts of the log entries of one kind (`ack`, `roomMessage`, `presenceDiff`…), in order. */
  const entries = (tab: Page, kind: string) => tab.locator(`#log li[data-kind="${kind}"]`).allTextContents();
  /** Waits until the tab's log has an entry of `kind` with exactly `text`. */
  const shows = (tab: Page, kind: string, text: string) =>
    tab.locator(`#log li[data-kind="${kind}"]`, { hasText: new RegExp(`^${escapeRegExp(text)}$`) }).waitFor();

  /** Types `value` into a form of the tab and sends it, as its user does: the tab in front first. */
  async function submit(tab: Page, form: 'join' | 'post', value: string): Promise<void> {
    await tab.bringToFront();
    await tab.locator(`#${form} input`).fill(value);
    await tab.locator(`#${form} button`).click();
  }

  it('two users chat in a room: acks, the message in the other tab, VALIDATION_FAILED shown, presence', async () => {
    const alice = await openTab(allowed, 'alice');
    expect(await status(alice)).toBe('connected');
    await alice.locator('#online li', { hasText: 'alice' }).waitFor();
    const bob = await openTab(allowed, 'bob');
    expect(await status(bob)).toBe('connected');

    // Presence: alice's tab is told bob came online; bob's asked who is (onlineUsers).
    await shows(alice, 'presenceDiff', 'bob is online');
    await bob.locator('#online li', { hasText: 'alice' }).waitFor();
    expect(await alice.locator('#online li').allTextContents()).toEqual(['alice', 'bob']);
    expect(await bob.locator('#online li').allTextContents()).toEqual(['alice', 'bob']);

    await submit(alice, 'join', 'lobby');
    await shows(alice, 'ack', 'joinRoom: ok');
    await submit(bob, 'join', 'lobby');
    await shows(bob, 'ack', 'joinRoom: ok');
    await shows(alice, 'userJoined', 'bob joined lobby');

    await submit(alice, 'post', 'hello from tab 1');
    await shows(alice, 'ack', 'roomMessage: ok');
    await shows(bob, 'roomMessage', '[lobby] alice: hello from tab 1');

    // An empty text: the server's validation answers through the ack, and nothing is delivered.
    await submit(alice, 'post', '');
    await alice.locator('#log li[data-kind="ack"][data-code="VALIDATION_FAILED"]').waitFor();
    expect(await alice.locator('#log li[data-kind="ack"]').last().textContent()).toMatch(/^roomMessage: VALIDATION_FAILED \(.+\)$/);
    await submit(alice, 'post', 'still here');
    await shows(bob, 'roomMessage', '[lobby] alice: still here');
    // Bob's room messages are the two valid posts, in order: the invalid one reached nobody.
    expect(await entries(bob, 'roomMessage')).toEqual(['[lobby] alice: hello from tab 1', '[lobby] alice: still here']);
    expect(await entries(alice, 'ack')).toEqual([
      'joinRoom: ok',
      'roomMessage: ok',
      expect.stringMatching(/^roomMessage: VALIDATION_FAILED/),
      'roomMessage: ok',
    ]);

    // Bob closes his tab: once the grace (presence.offlineGraceMs) has passed, alice's page is told he went offline.
    await bob.close();
    await shows(alice, 'presenceDiff', 'bob is offline');
    expect(await alice.locator('#online li').allTextContents()).toEqual(['alice']);
    expect(consoles.get(alice)).toEqual([]);
    await alice.close();
    expect(pageErrors).toEqual([]);
  });

  it('a token signed with another secret: the handshake is refused, the page shows Unauthorized and its code', async () => {
    const mallory = await openTab(allowed, 'mallory', undefined, 'not-the-secret');
    expect(await status(mallory)).toBe('refused: Unauthorized (UNAUTHORIZED)');
    await mallory.close();
    expect(pageErrors).toEqual([]);
  });

  it.each(TRANSPORTS)('over %s only: the allowed origin connects, a foreign origin is refused', async (transport) => {
    const home = await openTab(allowed, 'carol', transport);
    expect(await status(home)).toBe('connected');
    expect(await home.locator('#status').getAttribute('data-transport')).toBe(transport);

    const away = await openTab(foreign, 'carol', transport);
    // socket.io-client's name for the failed transport, and the browser's own reason: it hid the
    // polling response (no CORS header for this origin), or the server refused the upgrade.
    if (transport === 'polling') {
      expect(await status(away)).toBe('refused: xhr poll error');
      expect(consoles.get(away)).toContainEqual(expect.stringMatching(`from origin '${foreign.origin}' has been blocked by CORS policy`));
    } else {
      expect(await status(away)).toBe('refused: websocket error');
      expect(consoles.get(away)).toContainEqual(expect.stringMatching('Error during WebSocket handshake: Unexpected response code: 4'));
    }
    expect(consoles.get(home)).toEqual([]);
    for (const tab of [home, away]) await tab.close();
    expect(pageErrors).toEqual([]);
  });
});
