// Baseline following the seeds' room gateway (bench/baselines/seed-rooms) validated the way
// shared/seeds/003 teaches: `@UsePipes(new ValidationPipe({ transform: true }))` on the gateway and
// class-validator DTOs as the handlers' parameter types. The seeds' room gateway validates nothing,
// so it is no fair reference for a handler that does; this one is. Needs class-transformer.
import { UsePipes, ValidationPipe } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { Server, Socket } from 'socket.io';
import { JoinRoomDto, MessageDto } from './room.dto.js';

@WebSocketGateway({ namespace: 'chat' })
@UsePipes(new ValidationPipe({ transform: true }))
export class RoomGateway {
  @WebSocketServer()
  server: Server;

  @SubscribeMessage('joinRoom')
  handleJoinRoom(
    @MessageBody() data: JoinRoomDto,
    @ConnectedSocket() client: Socket,
  ) {
    client.join(data.room);
    client.to(data.room).emit('userJoined', { room: data.room, userId: client.id });
    return { ok: true, data: { room: data.room } };
  }

  @SubscribeMessage('roomMessage')
  handleRoomMessage(
    @MessageBody() data: MessageDto,
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
