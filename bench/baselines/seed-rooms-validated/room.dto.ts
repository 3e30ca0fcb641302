// The seed's DTOs (shared/seeds/003 "Validation": MessageDto with text and room), one per payload.
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class JoinRoomDto {
  @IsString()
  @IsNotEmpty()
  room: string;
}

export class MessageDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  text: string;

  @IsString()
  @IsNotEmpty()
  room: string;
}
