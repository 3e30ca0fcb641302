import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ChatGateway } from './chat.gateway.js';

@Controller('notifications')
export class NotificationsController {
  constructor(private readonly chatGateway: ChatGateway) {}

  @Post()
  @HttpCode(202)
  notify(@Body() body: { userId: string; message: string }) {
    this.chatGateway.server.to('user:' + body.userId).emit('notification', {
      type: 'order',
      message: body.message,
    });
  }
}
