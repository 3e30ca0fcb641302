// Baseline gateway (seed pattern): guard on the class, the same `ping` handler as the bench adds
// to the generated gateway.
import { UseGuards } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { WsAuthGuard } from './ws-auth.guard.js';

@WebSocketGateway({ namespace: 'chat' })
@UseGuards(WsAuthGuard)
export class ChatGateway {
  @SubscribeMessage('ping')
  ping() {
    return { ok: true };
  }
}
