/**
 * What a team writes after `nest g controller notifications`: an HTTP endpoint that pushes a
 * notification to every device of a user through the generated ChatNotifier (ESM app: `.js`
 * suffix). The demo and the toUser benchmark write it into their apps. Node built-ins only.
 */
export const NOTIFICATIONS_CONTROLLER_FILE = 'src/notifications/notifications.controller.ts';

export const NOTIFICATIONS_CONTROLLER = `import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ChatNotifier } from '../chat/chat.notifier.js';

@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifier: ChatNotifier) {}

  @Post()
  @HttpCode(202)
  async notify(@Body() body: { userId: string; message: string }) {
    await this.notifier.toUser(body.userId, 'notification', {
      type: 'order',
      message: body.message,
    });
  }
}
`;
