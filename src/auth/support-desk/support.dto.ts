import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, Matches } from 'class-validator';
import { PageDto } from 'src/common/http/page-query.dto';
import { IsEmailAddress, IsText, trimString } from 'src/common/http/validation';
import { ROLES, type Role } from 'src/access/principal';
import {
  SUPPORT_ACTIONS,
  SUPPORT_REQUEST_STATUSES,
  type SupportAction,
  type SupportRequestStatus,
} from './support-request.entity';

export const REASON_MIN = 10;

/** H2: what every support action carries: why, under which ticket, and a fresh second factor. */
export class SupportActionDto {
  @ApiProperty({
    minLength: REASON_MIN,
    maxLength: 500,
    example: 'Lost her phone; identity checked by a call-back to the number on file',
    description: 'Why, in the support person’s words; the user and the administrators read it.',
  })
  @Transform(trimString)
  @IsText(REASON_MIN, 500)
  reason!: string;

  @ApiProperty({ example: 'SUP-1234', description: 'The ticket this action answers.' })
  @Transform(trimString)
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._#/-]{0,63}$/, {
    message: 'ticket must be a ticket reference such as SUP-1234 (letters, digits, . _ # / -)',
  })
  ticket!: string;

  @ApiProperty({ description: 'From `POST /api/auth/step-up`, within the last 5 minutes.' })
  @IsString()
  @Length(1, 2048)
  stepUpToken!: string;
}

export class LookupUserDto extends SupportActionDto {
  @ApiProperty({ example: 'ada@example.com', description: 'The user’s exact sign-in address.' })
  @Transform(trimString)
  @IsEmailAddress()
  email!: string;
}

export class StepUpTokenDto {
  @ApiProperty({ description: 'From `POST /api/auth/step-up`, within the last 5 minutes.' })
  @IsString()
  @Length(1, 2048)
  stepUpToken!: string;
}

/** H4: what support may know of a user's second factor: never an address in full, a secret or a code. */
export class SupportUserStatusDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'a•••@example.com' })
  maskedEmail!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  accountName!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiProperty({ description: 'Whether the user is platform support staff.' })
  platformStaff!: boolean;

  @ApiProperty({ description: 'Whether 2FA is mandatory for this user.' })
  twoFactorMandatory!: boolean;

  @ApiProperty({ type: String, isArray: true, example: ['authenticator app'] })
  methods!: string[];

  @ApiProperty()
  recoveryCodesRemaining!: number;

  @ApiProperty()
  trustedDevices!: number;

  @ApiProperty({ description: 'Whether the second factor is locked after too many wrong codes.' })
  locked!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lockedUntil!: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastSignInAt!: Date | null;

  @ApiProperty({ description: 'Whether the caller’s role may act on this user.' })
  actionable!: boolean;

  @ApiProperty({ description: 'Whether actions wait for an administrator’s approval.' })
  approvalRequired!: boolean;
}

export class SupportActionResultDto {
  @ApiProperty({ format: 'uuid' })
  requestId!: string;

  @ApiProperty({
    enum: ['done', 'pending'],
    description: '`pending`: waits for an account administrator; carry it out once approved.',
  })
  status!: 'done' | 'pending';

  @ApiPropertyOptional({
    example: 'K7QM-PZX4-RDT2',
    description: 'Shown this once: read it to the user. Works once, within the hour.',
  })
  temporaryCode?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  expiresAt?: Date;
}

const SHOWN_STATUSES = [...SUPPORT_REQUEST_STATUSES, 'expired'] as const;

/** One support action in a trail: who asked, about whom, why, and how it stands. */
export class SupportRequestDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: SUPPORT_ACTIONS })
  action!: SupportAction;

  @ApiProperty({ enum: SHOWN_STATUSES })
  status!: SupportRequestStatus | 'expired';

  @ApiProperty({ format: 'uuid' })
  supportUserId!: string;

  @ApiProperty()
  supportEmail!: string;

  @ApiProperty({ format: 'uuid' })
  targetUserId!: string;

  @ApiProperty({ format: 'uuid' })
  accountId!: string;

  @ApiProperty()
  reason!: string;

  @ApiProperty()
  ticket!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt!: Date | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  decidedBy!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  decidedAt!: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  doneAt!: Date | null;
}

export class SupportRequestPageDto extends PageDto {
  @ApiProperty({ type: SupportRequestDto, isArray: true })
  items!: SupportRequestDto[];
}
