// Baseline for pushing to a user's devices as tutorials write it (shared/seeds/003's gateway and
// notification service, with the user's sockets in a `user:<sub>` room instead of its in-memory
// map, so that it works across instances): the JWT verified in handleConnection with the string
// secret @nestjs/jwt is registered with, the socket joined to its user's room there, and the
// gateway's `server` used by app code. Not generated code: the notify bench compares the
// generated ChatNotifier against this.
import { JwtService } from '@nestjs/jwt';
import {
  OnGatewayConnection,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { Server, Socket } from 'socket.io';

@WebSocketGateway({ namespace: 'chat' })
export class ChatGateway implements OnGatewayConnection {
  @WebSocketServer()
  server: Server;

  constructor(private jwtService: JwtService) {}

  handleConnection(client: Socket) {
    const token =
      client.handshake.auth.token ||
      client.handshake.headers.authorization?.split(' ')[1];
    try {
      client.data.user = this.jwtService.verify(token);
      client.join('user:' + client.data.user.sub);
    } catch {
      client.disconnect();
    }
  }
}
