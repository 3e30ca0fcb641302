// Baseline following the seeds (shared/seeds/001, 003): the JWT is verified by a guard on every
// message, with the string secret @nestjs/jwt is registered with. Not generated code: the bench
// compares the generated gateway against this.
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { WsException } from '@nestjs/websockets';
import { Socket } from 'socket.io';

@Injectable()
export class WsAuthGuard implements CanActivate {
  constructor(private jwtService: JwtService) {}

  canActivate(context: ExecutionContext): boolean {
    const client: Socket = context.switchToWs().getClient();
    const token =
      client.handshake.auth.token ||
      client.handshake.headers.authorization?.split(' ')[1];
    if (!token) {
      throw new WsException('Missing authentication token');
    }
    try {
      client.data.user = this.jwtService.verify(token);
      return true;
    } catch {
      throw new WsException('Invalid token');
    }
  }
}
