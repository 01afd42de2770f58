import { IntersectionType, PartialType, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { LoginDto } from 'src/auth/auth.dto';
import { RenamePasskeyDto } from 'src/two-factor/passkey/passkey.dto';
import { SwitchMethodDto } from 'src/two-factor/two-factor.dto';
import { LANGUAGES, type Language } from 'src/common/languages';

/**
 * The pages' forms, built from the API's DTOs so each field keeps the product's rules (the
 * global validation pipe checks them: unknown fields and bad values are a 400 page). The
 * `_csrf` field is checked and taken out before validation.
 */

/** A path of these pages, never another site's (`//host`). */
export const LOCAL_PATH = /^\/(?!\/)[a-z0-9/-]{0,100}$/;

export class SignInForm extends PickType(LoginDto, ['email', 'password']) {}

/** How long a passkey's answer may be, as JSON: a few kilobytes, well under the body limit. */
const PASSKEY_RESPONSE_MAX = 16_384;

/** A passkey's answer, as the passkey script writes it (JSON); the passkey service reads it. */
export class PasskeyResponseForm {
  @IsString()
  @Length(2, PASSKEY_RESPONSE_MAX)
  response!: string;
}

/**
 * The second step's form: a code, whose form is the factor's to check (6 digits, a recovery
 * code), or a passkey's answer.
 */
export class ChallengeCodeForm {
  @IsOptional()
  @IsString()
  @Length(0, 64)
  code?: string;

  @IsOptional()
  @IsString()
  @Length(2, PASSKEY_RESPONSE_MAX)
  response?: string;

  /** "Don't ask me again on this device": a checkbox. */
  @IsOptional()
  @IsIn(['on'])
  remember?: 'on';
}

/** A new passkey: the authenticator's answer, and a name when the user gave one (a blank is none). */
export class AddPasskeyForm extends IntersectionType(
  PasskeyResponseForm,
  PartialType(RenamePasskeyDto),
) {
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() === '' ? undefined : value,
  )
  override name?: string;
}

export class RenamePasskeyForm extends PickType(RenamePasskeyDto, ['name']) {}

export class SwitchMethodForm extends PickType(SwitchMethodDto, ['method']) {}

export class LanguageForm {
  @IsIn(LANGUAGES)
  language!: Language;

  /** The page to go back to: one of ours, never another site. */
  @IsOptional()
  @Matches(LOCAL_PATH)
  back?: string;
}
