import { ApiProperty } from '@nestjs/swagger';

export class TotpEnrolmentDto {
  @ApiProperty({ description: 'Base32 manual key (time based). Shown this once only.' })
  secret!: string;

  @ApiProperty({
    example: 'otpauth://totp/Gatekeeper:ada%40example.com?secret=…&issuer=Gatekeeper',
  })
  otpauthUrl!: string;

  @ApiProperty({ description: '`data:image/png;base64,…` QR code of `otpauthUrl`.' })
  qrCode!: string;
}

export class TotpEnabledDto {
  @ApiProperty({ enum: [true] })
  enabled!: true;
}

export class TotpStatusDto {
  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ type: Date, nullable: true })
  configuredAt!: Date | null;
}
