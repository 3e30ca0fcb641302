// Baseline for connection auth as tutorials write it (the seeds' token extraction, shared/seeds/001
// and 003, moved into handleConnection): the JWT is verified when a socket connects, with the
// string secret @nestjs/jwt is registered with, and a socket with a bad token is disconnected.
// Not generated code: the connect bench compares the generated handshake middleware against this.
import { JwtService } from '@nestjs/jwt';
import { OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import { Socket } from 'socket.io';

@WebSocketGateway({ namespace: 'chat' })
export class ChatGateway implements OnGatewayConnection {
  constructor(private jwtService: JwtService) {}

  handleConnection(client: Socket) {
    const token =
      client.handshake.auth.token ||
      client.handshake.headers.authorization?.split(' ')[1];
    try {
      client.data.user = this.jwtService.verify(token);
    } catch {
      client.disconnect();
    }
  }
}
