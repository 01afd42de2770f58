import { ApiProperty } from '@nestjs/swagger';

export class TrustedDeviceDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Firefox on macOS' })
  name!: string;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty()
  lastUsedAt!: Date;

  @ApiProperty({ description: '30 days after registration; never extended.' })
  expiresAt!: Date;

  @ApiProperty({
    description: 'Whether the calling session was started on (or registered) this device.',
  })
  current!: boolean;
}
