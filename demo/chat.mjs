#!/usr/bin/env node
// The demo: a fresh Nest 12 app, `realtime-schematics gateway chat` run in it, the app built and
// started, and a scripted socket.io conversation between two users printed as a transcript.
//
//   npm run demo        (builds the package first)
//
// Everything happens in a temporary copy of a cached app (.cache/apps); the app is stopped and the
// copy removed at the end, whatever happens.
import * as path from 'node:path';
import { io } from 'socket.io-client';
import { loadAppHelpers } from '../scripts/load-app-helpers.mjs';

const apps = loadAppHelpers();

function say(line = '') {
  console.log(line);
}

async function mustRun(app, command, args) {
  const result = await apps.run(command, args, { cwd: app, env: { NO_COLOR: '1', CI: 'true' } });
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function connect(url, name) {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  socket.on('message', (message) => say(`  ${name} ← message ${JSON.stringify(message)}`));
  // Without the ws-filter schematic, Nest's default filter reports handler errors here.
  socket.on('exception', (error) => say(`  ${name} ← exception ${JSON.stringify(error)}`));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      say(`  ${name} connected to /chat as ${socket.id}`);
      resolve(socket);
    });
    socket.once('connect_error', reject);
  });
}

async function send(socket, name, payload) {
  say(`  ${name} → message ${JSON.stringify(payload)}`);
  const ack = await socket.timeout(1000).emitWithAck('message', payload).catch(() => 'none (the handler refused the payload)');
  say(`  ${name} ← ack ${typeof ack === 'string' ? ack : JSON.stringify(ack)}`);
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const app = await apps.createTestApp('nest12-esm');
let server;
const sockets = [];
try {
  say(`1. A fresh Nest 12 app (ESM, vitest) in ${app}`);
  say('\n2. npx realtime-schematics gateway chat');
  say((await mustRun(app, path.join(app, 'node_modules/.bin/realtime-schematics'), ['gateway', 'chat'])).trimEnd().replace(/^/gm, '  '));
  say('\n3. npm run build (the app\'s own strict tsconfig)');
  await mustRun(app, 'npm', ['run', 'build']);
  say('  built');
  server = await apps.startApp(app);
  say(`\n4. The app is listening on ${server.url}; two users talk on /chat`);
  const alice = await connect(`${server.url}/chat`, 'alice');
  const bob = await connect(`${server.url}/chat`, 'bob');
  sockets.push(alice, bob);
  await send(alice, 'alice', { text: 'hi bob' });
  await send(bob, 'bob', { text: 'hi alice!' });
  say('\n5. Invalid messages are refused, delivered to nobody; the sockets stay connected');
  await send(alice, 'alice', { text: '' });
  await send(alice, 'alice', { text: 'hello', admin: true });
  await pause(100);
  await send(alice, 'alice', { text: 'still here?' });
  await pause(100);
  say(`  alice connected: ${alice.connected}, bob connected: ${bob.connected}`);
  say('\nDemo finished.');
} finally {
  sockets.forEach((socket) => socket.disconnect());
  await server?.stop();
  await apps.removeTestApp(app);
}
