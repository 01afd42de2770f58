import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Matches } from 'class-validator';

export const RECOVERY_CODE_PATTERN = /^[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}$/;

/** The answer at verify with `method: "recovery"`: a code such as `K7QMP-ZX4RD`, any case. */
export class RecoveryCodeAnswerDto {
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toUpperCase() : value,
  )
  @IsString()
  @Matches(RECOVERY_CODE_PATTERN, { message: 'code must be a recovery code such as K7QMP-ZX4RD' })
  code!: string;
}

export class RecoveryCodesStatusDto {
  @ApiProperty({ description: 'Unused recovery codes left.' })
  remaining!: number;
}

export class RecoveryCodesDto {
  @ApiProperty({
    type: String,
    isArray: true,
    example: ['K7QMP-ZX4RD'],
    description:
      'Shown this once. Each works once at login with `method: "recovery"`; a new set voids the old one.',
  })
  codes!: string[];
}
