// Baseline following the seeds (shared/seeds/001 "RoomGateway", 003): join/leave/post with
// socket.io rooms, no validation, no error envelope. Payloads use the generated handler's shapes
// so the same load drives both.
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { Server, Socket } from 'socket.io';

@WebSocketGateway({ namespace: 'chat' })
export class RoomGateway {
  @WebSocketServer()
  server: Server;

  @SubscribeMessage('joinRoom')
  handleJoinRoom(
    @MessageBody() data: { room: string },
    @ConnectedSocket() client: Socket,
  ) {
    client.join(data.room);
    client.to(data.room).emit('userJoined', { room: data.room, userId: client.id });
    return { ok: true, data: { room: data.room } };
  }

  @SubscribeMessage('roomMessage')
  handleRoomMessage(
    @MessageBody() data: { room: string; text: string },
    @ConnectedSocket() client: Socket,
  ) {
    if (!client.rooms.has(data.room)) {
      return { error: 'Not a member of this room' };
    }
    this.server.to(data.room).emit('roomMessage', {
      room: data.room,
      text: data.text,
      sender: client.id,
      timestamp: new Date().toISOString(),
    });
    return { ok: true };
  }
}
