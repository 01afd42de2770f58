import { Transform } from 'class-transformer';
import { IsString, Matches } from 'class-validator';

const GROUP = '[A-HJKMNP-Z2-9]{4}';
/** Three groups of four, dashes optional: what a person reads out and types back. */
export const TEMPORARY_CODE_PATTERN = new RegExp(`^${GROUP}-?${GROUP}-?${GROUP}$`);

/** The answer at `POST /api/auth/two-factor/temporary-code`: `K7QM-PZX4-RDT2`, any case. */
export class TemporaryCodeAnswerDto {
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toUpperCase() : value,
  )
  @IsString()
  @Matches(TEMPORARY_CODE_PATTERN, {
    message: 'code must be a temporary access code such as K7QM-PZX4-RDT2',
  })
  code!: string;
}
