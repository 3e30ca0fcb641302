import { Module } from '@nestjs/common';
import { RoomGateway } from './chat.gateway.js';

@Module({ providers: [RoomGateway] })
export class AppModule {}
