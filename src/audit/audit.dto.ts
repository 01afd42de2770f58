import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageDto, PageQueryDto } from 'src/common/http/page-query.dto';
import { AUDIT_EVENT_TYPES, type AuditEventType } from './audit-event.entity';

export { AUDIT_EVENT_TYPES };

export class ListAuditEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Only events about this user. A user of another account yields no items, never an error.',
  })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({
    enum: AUDIT_EVENT_TYPES,
    enumName: 'AuditEventType',
    description: 'Only events of this type.',
  })
  @IsOptional()
  @IsIn(AUDIT_EVENT_TYPES)
  type?: AuditEventType;
}

/** L1: what happened, to whom, by whom, from where, when. Never a secret (L2). */
export class AuditEventDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: AUDIT_EVENT_TYPES, enumName: 'AuditEventType' })
  type!: AuditEventType;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The user the event is about.',
  })
  userId!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Who acted: the user themself, an administrator, or a platform support person.',
  })
  actorId!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'totp',
    description: 'The kind of factor involved (`password`, `email`, `totp`, …), never its value.',
  })
  factor!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'A non-secret detail: the device name, or the policy value set.',
  })
  detail!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'For a support action: the reason the support person gave.',
  })
  reason!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'SUP-1234',
    description: 'For a support action: its ticket reference.',
  })
  ticket!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Mozilla/5.0' })
  userAgent!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '4f7c2a9e-1b3d-4e8f-9a6b-2c5d7e9f1a3b',
    description:
      "The request's id (its `X-Request-Id`), which every log line of that request carries.",
  })
  requestId!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    example: '2030-01-31T12:00:00.000Z',
    description: 'UTC.',
  })
  createdAt!: string;
}

export class AuditEventPageDto extends PageDto {
  @ApiProperty({ type: AuditEventDto, isArray: true })
  items!: AuditEventDto[];
}
