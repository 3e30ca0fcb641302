// Plain socket.io (no Nest): the ceiling the generated app is measured against, so it does the same
// work by hand. The generated app's server options (ws-server-options.ts: CORS allow-list and an
// Origin check of upgrades, 64 kB payload cap, transports, ping timings, connection-state recovery:
// every broadcast kept for the recovery window in the in-memory adapter; WS_RECOVERY=off leaves it
// out, socket.io's default, for bench/runtime-deploy.mjs's comparison with plain defaults); the JWT verified once,
// in namespace middleware, with a key object prepared once, and the socket put in its user's room
// `user:<sub>` there (as the generated ws-auth module does);
// each payload checked synchronously against the rules of the generated DTOs, refused with the same
// envelope. The same events and payloads as the generated room handler. Started as the app's
// dist/main.js with JWT_SECRET.
import { createSecretKey } from 'node:crypto';
import { createServer } from 'node:http';
import jwt from 'jsonwebtoken';
import { Server } from 'socket.io';

const ROOM_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
const MAX_TEXT_LENGTH = 1000;
const key = createSecretKey(Buffer.from(process.env.JWT_SECRET ?? '', 'utf8'));
const origins = (process.env.WS_CORS_ORIGINS ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);

const httpServer = createServer();
const io = new Server(httpServer, {
  cors: { origin: origins, credentials: true },
  allowRequest: (request, callback) => callback(null, request.headers.origin === undefined || origins.includes(request.headers.origin)),
  maxHttpBufferSize: 65_536,
  transports: ['websocket', 'polling'],
  pingInterval: 25_000,
  pingTimeout: 20_000,
  ...(process.env.WS_RECOVERY === 'off' ? {} : { connectionStateRecovery: { maxDisconnectionDuration: 120_000, skipMiddlewares: true } }),
});
const chat = io.of('/chat');

chat.use((socket, next) => {
  try {
    const user = jwt.verify(socket.handshake.auth.token, key, { algorithms: ['HS256'] });
    if (typeof user.sub !== 'string') throw new Error('no sub');
    socket.data.user = user;
    socket.join(`user:${user.sub}`);
    next();
  } catch {
    next(Object.assign(new Error('Unauthorized'), { data: { code: 'UNAUTHORIZED' } }));
  }
});

/** The payload's own keys are exactly `fields`, each a non-empty string: `room` a safe name, `text` bounded. */
function isValid(payload, fields) {
  if (typeof payload !== 'object' || payload === null) return false;
  const keys = Object.keys(payload);
  if (keys.length !== fields.length) return false;
  for (const field of fields) {
    const value = payload[field];
    if (!Object.hasOwn(payload, field) || typeof value !== 'string') return false;
    if (field === 'room' ? !ROOM_NAME.test(value) : value.length === 0 || value.length > MAX_TEXT_LENGTH) return false;
  }
  return true;
}

const refused = (code, message) => ({ ok: false, error: { code, message } });
const INVALID = refused('VALIDATION_FAILED', 'Validation failed');

chat.on('connection', (socket) => {
  const userId = socket.data.user.sub;
  socket.on('joinRoom', async (payload, ack) => {
    if (!isValid(payload, ['room'])) return ack(INVALID);
    const { room } = payload;
    await socket.join(room);
    socket.to(room).emit('userJoined', { room, userId });
    ack({ ok: true, data: { room } });
  });
  socket.on('roomMessage', (payload, ack) => {
    if (!isValid(payload, ['room', 'text'])) return ack(INVALID);
    const { room, text } = payload;
    if (!socket.rooms.has(room)) return ack(refused('FORBIDDEN', 'Join the room first'));
    chat.to(room).emit('roomMessage', { room, text, sender: userId, timestamp: new Date().toISOString() });
    ack({ ok: true });
  });
});

httpServer.listen(Number(process.env.PORT ?? 3000));
process.on('SIGTERM', () => io.close(() => process.exit(0)));
