// Plain socket.io (no Nest), the same events and payloads as the generated room handler, no
// validation: the ceiling the generated code is compared against. Started as the app's dist/main.js.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const httpServer = createServer();
const io = new Server(httpServer);
const chat = io.of('/chat');

chat.on('connection', (socket) => {
  socket.on('joinRoom', async ({ room }, ack) => {
    await socket.join(room);
    socket.to(room).emit('userJoined', { room, userId: socket.id });
    ack({ ok: true, data: { room } });
  });
  socket.on('roomMessage', ({ room, text }, ack) => {
    if (!socket.rooms.has(room)) return ack({ ok: false, error: { code: 'FORBIDDEN' } });
    chat.to(room).emit('roomMessage', { room, text, sender: socket.id, timestamp: new Date().toISOString() });
    ack({ ok: true });
  });
});

httpServer.listen(Number(process.env.PORT ?? 3000));
process.on('SIGTERM', () => io.close(() => process.exit(0)));
