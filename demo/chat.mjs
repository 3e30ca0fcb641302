#!/usr/bin/env node
// The demo: `nest new` in a temporary folder, then `realtime-schematics init`, `feature chat` and
// `redis-adapter`, the app built with its own `npm run build`, started, and a scripted socket.io
// conversation between users (auth, a room, messages, a refused non-member, a validation error)
// printed as a transcript: also a notification pushed from an HTTP call to a user's two devices,
// presence changes, a rate-limited burst, and a rolling deploy of two instances behind a load
// balancer of the demo's own that loses nothing. Everything is stopped and removed at the end, whatever happens.
//
//   npm run demo            (builds the package first; Node 20)
//   npm run demo:node22     (the same on Node 22, fetched as the npm package node@22)
//   npm run demo -- --serve (then keeps the app running and serves the chat page of the browser
//                            e2e test, for two users in a browser, until Ctrl-C)
//
// Offline after `npm install`: the app is scaffolded with --skip-install and its node_modules is a
// link to this repository's, which holds every package the app needs (devDependencies). Without
// REDIS_URL the adapter stays in-memory (one instance); with REDIS_URL it connects to that Redis.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { io } from 'socket.io-client';
import { ROOT, loadTestSupport } from '../scripts/load-app-helpers.mjs';

const apps = loadTestSupport('apps', 'processes');
const { serveFolder } = loadTestSupport('static-site');
const SERVE = process.argv.includes('--serve');
const { signJwt } = loadTestSupport('jwt');
const CLI = path.join(ROOT, 'dist/cli/main.js');
const ENV = { NO_COLOR: '1', CI: 'true' };

const say = (line = '') => console.log(line);
const indent = (text) => text.trimEnd().replace(/^/gm, '    ');
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function mustRun(cwd, command, args) {
  const result = await apps.run(command, args, { cwd, env: ENV });
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Runs a command and prints its CREATE/UPDATE lines and notes (the Nest CLI's colours and banner dropped). */
async function step(title, cwd, command, args) {
  say(`\n${title}`);
  const output = (await mustRun(cwd, command, args)).replace(/\x1b\[[0-9;]*m/g, '');
  say(indent(output.split('\n').filter((line) => /^(CREATE|UPDATE|WARNING|Nest )/.test(line.trim())).map((line) => line.trim()).join('\n')));
}

/** While a burst runs, what the sockets receive is counted instead of printed line by line. */
let transcriptMuted = false;

/** A user's socket on /chat; every event it receives goes into the transcript. */
function connect(url, name, token) {
  const socket = io(`${url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: token ? { token } : {} });
  for (const event of ['userJoined', 'userLeft', 'roomMessage', 'message', 'notification', 'presenceDiff', 'exception']) {
    socket.on(event, (payload) => {
      if (!transcriptMuted) say(`    ${name} ← ${event} ${JSON.stringify(payload)}`);
    });
  }
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Emits, prints the ack, and stops the demo when the ack is not the expected `ok` or error code. */
async function emit(socket, name, event, payload, expected = 'ok') {
  say(`    ${name} → ${event} ${JSON.stringify(payload)}`);
  const ack = await socket.timeout(2000).emitWithAck(event, payload);
  say(`    ${name} ← ack ${JSON.stringify(ack)}`);
  const outcome = ack.ok ? 'ok' : ack.error?.code;
  if (outcome !== expected) throw new Error(`demo: ${name}'s ${event} should have been ${expected}, got ${JSON.stringify(ack)}`);
  await pause(50); // let the broadcasts it caused reach the other users before the next line
  return ack;
}

/** A connection attempt that must be refused at the handshake. */
async function refused(url, who, token) {
  const error = await connect(url, who, token).then(
    (socket) => {
      socket.disconnect();
      throw new Error(`demo: ${who} should have been refused at the handshake`);
    },
    (connectError) => connectError,
  );
  say(`    ${who} ← connect_error ${error.message} ${JSON.stringify(error.data)}`);
}

const { NOTIFICATIONS_CONTROLLER, NOTIFICATIONS_CONTROLLER_FILE } = loadTestSupport('notifications-controller');

/**
 * A rolling deploy (SPEC §5.10): two instances on a redis-server of the demo's own (the streams
 * adapter init chose), behind a small load balancer of the demo's own; users follow a room and
 * their notifications while each instance in turn gets SIGTERM and is started again.
 */
async function deploy() {
  const { redisServerAvailable, startOwnRedis } = loadTestSupport('redis');
  const { startCluster, follow, publish, deliveryReport } = loadTestSupport('deploy');
  say('\n8. A deploy: two instances on a Redis of the demo\'s own, behind a load balancer of its own (streams adapter)');
  if (!redisServerAvailable()) {
    if (process.env.CI === 'true') throw new Error('demo: redis-server is needed for the deploy part');
    say('    skipped: no redis-server on this machine');
    return;
  }
  const redis = await startOwnRedis();
  let cluster;
  const followers = [];
  try {
    cluster = await startCluster(app, { JWT_SECRET: secret, REDIS_URL: redis.url });
    say(`    instance 1 on :${cluster.instances[0].port}, instance 2 on :${cluster.instances[1].port}, the balancer on ${cluster.balancer.url}`);
    const connect = (url, options) => io(url, options);
    for (const sub of ['alice', 'bob', 'erin']) followers.push(await follow(connect, cluster.balancer.url, sub, { secret }));
    const publisher = await follow(connect, cluster.balancer.url, 'dave', { secret, notified: false });
    followers.push(publisher);
    const users = followers.slice(0, 3);
    say('    alice, bob and erin follow the room "deploy"; dave posts #1, #2, … to it and POST /notifications sends #1, #2, … to each of them');
    const stream = publish(publisher, cluster.balancer.url, users.map((user) => user.sub));
    await pause(1000);
    // Their own arrivals came as presence diffs (joins); only what the deploy sends counts.
    for (const follower of followers) follower.presenceDiffs.length = 0;
    for (const slot of [0, 1]) {
      const { exitMs, exitReason } = await cluster.restart(slot);
      say(`    instance ${slot + 1}: SIGTERM → drained and ${exitReason} after ${exitMs} ms; started again on :${cluster.instances[slot].port}`);
      await pause(1500);
    }
    const sent = await stream.stop();
    await pause(800);
    const report = deliveryReport(followers, sent);
    say(`    sent: ${sent.roomMessages} room messages, ${sent.notifications} notifications to each user (${sent.retries} requests sent again after a drain refused them)`);
    for (const follower of followers) {
      const notifications = follower.notified ? `, notifications #1…#${follower.notifications.at(-1)} (${follower.notifications.length})` : '';
      const recovered = follower.reconnections.map((flag) => (flag ? 'recovered' : 'NOT recovered')).join(', ');
      say(`    ${follower.sub} ← room messages #1…#${follower.roomMessages.at(-1)} (${follower.roomMessages.length})${notifications}; reconnected ${follower.reconnections.length}× (${recovered})`);
    }
    say(`    lost ${report.lost}, duplicated ${report.duplicated}, out of order ${report.outOfOrder}, presence diffs ${report.presenceDiffs}, disconnected now: ${report.disconnectedNow.length}`);
    if (report.lost + report.duplicated + report.outOfOrder + report.presenceDiffs + report.disconnectedNow.length > 0) {
      throw new Error(`demo: the deploy lost or repeated messages: ${JSON.stringify(report.perFollower)}`);
    }
  } finally {
    followers.forEach((follower) => follower.socket.disconnect());
    await cluster?.close();
    await redis.stop();
  }
}

const workspace = mkdtempSync(path.join(os.tmpdir(), 'realtime-demo-'));
const app = path.join(workspace, 'chat-app');
const secret = randomBytes(32).toString('base64url');
const sockets = [];
let server;
let site;
try {
  say(`Node ${process.version}; a new Nest app in ${app}`);
  await step('1. nest new chat-app --skip-install (offline: node_modules is linked to this repository\'s)', workspace, path.join(ROOT, 'node_modules/.bin/nest'), [
    'new', 'chat-app', '--skip-install', '--skip-git', '--package-manager', 'npm', '--no-observe',
  ]);
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(app, 'node_modules'), 'dir');

  // --skip-install everywhere: the packages are already there, and the demo never goes online.
  await step('2. realtime-schematics init --skip-install', app, process.execPath, [CLI, 'init', '--skip-install']);
  await step('3. realtime-schematics feature chat', app, process.execPath, [CLI, 'feature', 'chat', '--skip-install']);
  await step('4. realtime-schematics redis-adapter', app, process.execPath, [CLI, 'redis-adapter', '--skip-install']);
  await step('5. nest g controller notifications --no-spec (the team\'s own HTTP endpoint, which uses ChatNotifier)', app, path.join(ROOT, 'node_modules/.bin/nest'), [
    'g', 'controller', 'notifications', '--no-spec',
  ]);
  writeFileSync(path.join(app, NOTIFICATIONS_CONTROLLER_FILE), NOTIFICATIONS_CONTROLLER);
  say('    src/notifications/notifications.controller.ts: POST /notifications calls ChatNotifier.toUser()');

  say('\n6. npm run build (the app\'s own nest build and strict tsconfig)');
  await mustRun(app, 'npm', ['run', 'build']);
  say('    built');

  const redis = process.env.REDIS_URL ? `REDIS_URL=${process.env.REDIS_URL}` : 'no REDIS_URL: in-memory adapter';
  if (SERVE) {
    // The page of test/e2e/browser.e2e.ts with the app's client, from an origin the app allows.
    const { bundleChatPage } = await import('../scripts/bundle-chat-page.mjs');
    await bundleChatPage(path.join(app, 'src/chat/chat.client.ts'), path.join(workspace, 'page'));
    site = await serveFolder(path.join(workspace, 'page'));
  }
  server = await apps.startApp(app, { JWT_SECRET: secret, REDIS_URL: process.env.REDIS_URL ?? '', ...(site ? { WS_CORS_ORIGINS: site.origin } : {}) });
  say(`\n7. The app listens on ${server.url} (JWT_SECRET set, ${redis})`);
  for (const line of server.output().split('\n').filter((text) => text.includes('REDIS_URL'))) say(`    ${line.trim()}`);

  say('\n  Auth: the token is verified once, at the handshake');
  await refused(server.url, 'mallory (no token)');
  await refused(server.url, 'mallory (forged token)', signJwt({ sub: 'mallory' }, 'not-the-secret'));
  const token = (sub) => signJwt({ sub, exp: Math.floor(Date.now() / 1000) + 600 }, secret);
  const alice = await connect(server.url, 'alice', token('alice'));
  const bob = await connect(server.url, 'bob', token('bob'));
  const carol = await connect(server.url, 'carol', token('carol'));
  sockets.push(alice, bob, carol);
  say('    alice, bob and carol connected with signed tokens');

  say('\n  Rooms: alice and bob join "lobby"; members are told');
  await emit(alice, 'alice', 'joinRoom', { room: 'lobby' });
  await emit(bob, 'bob', 'joinRoom', { room: 'lobby' });

  say('\n  Messages reach every member of the room, the sender included');
  await emit(alice, 'alice', 'roomMessage', { room: 'lobby', text: 'hi bob' });
  await emit(bob, 'bob', 'roomMessage', { room: 'lobby', text: 'hi alice!' });
  await emit(bob, 'bob', 'roomMembers', { room: 'lobby' });

  say('\n  carol is not a member: her post is refused and delivered to nobody');
  let delivered = 0;
  for (const member of [alice, bob]) member.on('roomMessage', () => delivered++);
  await emit(carol, 'carol', 'roomMessage', { room: 'lobby', text: 'let me in' }, 'FORBIDDEN');
  if (delivered > 0) throw new Error('demo: carol\'s refused message was delivered');

  say('\n  Invalid payloads get VALIDATION_FAILED in the ack; the socket stays connected');
  await emit(alice, 'alice', 'roomMessage', { room: 'lobby', text: '' }, 'VALIDATION_FAILED');
  await emit(alice, 'alice', 'joinRoom', { room: '../admin' }, 'VALIDATION_FAILED');
  say(`    alice connected: ${alice.connected}`);
  if (!alice.connected) throw new Error('demo: alice was disconnected by an invalid payload');

  say('\n  bob leaves');
  await emit(bob, 'bob', 'leaveRoom', { room: 'lobby' });

  say('\n  Notifier: an HTTP call pushes to every device of alice (here a second one joins), and nobody else');
  const alicePhone = await connect(server.url, 'alice (phone)', token('alice'));
  sockets.push(alicePhone);
  const pushed = Promise.all([alice, alicePhone].map((device) => new Promise((resolve) => device.once('notification', resolve))));
  say('    POST /notifications { userId: "alice", message: "Your order shipped" }');
  const response = await fetch(`${server.url}/notifications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'alice', message: 'Your order shipped' }),
  });
  if (response.status !== 202) throw new Error(`demo: POST /notifications answered ${response.status}`);
  await pushed;
  await pause(50);

  say('\n  Presence: dave comes online (one presenceDiff per 250 ms window), drops and is back at once (nothing is sent),');
  say('  then leaves: everyone in the namespace is told once the grace (presence.offlineGraceMs, 5 s) has passed');
  const dave = await connect(server.url, 'dave', token('dave'));
  await pause(400);
  await emit(alice, 'alice', 'onlineUsers', {});
  dave.disconnect();
  const daveAgain = await connect(server.url, 'dave', token('dave'));
  await pause(400);
  daveAgain.disconnect();
  await pause(5_600);

  say('\n  Rate limit: carol sends a burst of 25 messages; 20 per second are served, the rest refused');
  // Every event counts, refused ones too: carol's earlier post is in the current window, so the
  // burst starts in a fresh one.
  await pause(1100);
  let bobReceived = 0;
  const countForBob = () => bobReceived++;
  bob.on('message', countForBob);
  transcriptMuted = true;
  const acks = await Promise.all(Array.from({ length: 25 }, (_, i) => carol.timeout(2000).emitWithAck('message', { text: `spam ${i}` })));
  await pause(100);
  transcriptMuted = false;
  bob.off('message', countForBob);
  const codes = acks.map((ack) => (ack.ok ? 'ok' : ack.error.code));
  const served = codes.filter((code) => code === 'ok').length;
  say(`    carol ← ${served} × ack {"ok":true}, ${codes.length - served} × ${JSON.stringify(acks.find((ack) => !ack.ok))}`);
  say(`    bob ← ${bobReceived} × message (only the served ones were delivered)`);
  if (served !== 20 || codes.slice(20).some((code) => code !== 'RATE_LIMITED') || bobReceived !== 20) {
    throw new Error(`demo: expected 20 served and delivered then RATE_LIMITED, got ${codes.join(',')} and ${bobReceived} delivered`);
  }
  say(`    carol connected: ${carol.connected}`);

  sockets.splice(0).forEach((socket) => socket.disconnect());
  await deploy();

  say('\nDemo finished.');
  if (site) {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    const hourToken = (sub) => signJwt({ sub, exp: Math.floor(Date.now() / 1000) + 3600 }, secret);
    const pageFor = (sub) => `${site.origin}/?server=${encodeURIComponent(server.url)}#token=${hourToken(sub)}`;
    say(`\nThe chat page, served from ${site.origin} (WS_CORS_ORIGINS): open each link in its own tab.`);
    say(`    alice: ${pageFor('alice')}`);
    say(`    bob:   ${pageFor('bob')}`);
    say('The tokens are valid for an hour. Ctrl-C stops the app and removes it.');
    await new Promise((resolve) => ['SIGINT', 'SIGTERM'].forEach((signal) => process.once(signal, resolve)));
  }
} finally {
  sockets.forEach((socket) => socket.disconnect());
  await site?.close();
  await server?.stop();
  rmSync(workspace, { recursive: true, force: true });
}
