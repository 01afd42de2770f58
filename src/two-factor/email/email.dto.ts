import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmailAddress, trimString } from 'src/common/http/validation';
import { OptionalPasswordDto } from 'src/two-factor/method-payloads.dto';

export class StartEmailSetupDto extends OptionalPasswordDto {
  @ApiProperty({
    example: 'ada.codes@example.org',
    description: 'May differ from the login email.',
  })
  @Transform(trimString)
  @IsEmailAddress()
  email!: string;
}

export class PendingAddressDto {
  @ApiProperty()
  pendingAddress!: string;
}

export class EmailEnabledDto {
  @ApiProperty({ enum: [true] })
  enabled!: true;

  @ApiProperty()
  address!: string;
}

export class EmailStatusDto {
  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ type: String, nullable: true })
  address!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Waiting for its code; the address in force stays until then.',
  })
  pendingAddress!: string | null;
}
