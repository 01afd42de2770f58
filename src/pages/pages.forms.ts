import { PickType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { LoginDto } from 'src/auth/auth.dto';
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

/** The code's form is the factor's to check (a 6-digit code, or a recovery code). */
export class ChallengeCodeForm {
  @IsString()
  @Length(0, 64)
  code!: string;

  /** "Don't ask me again on this device": a checkbox. */
  @IsOptional()
  @IsIn(['on'])
  remember?: 'on';
}

export class SwitchMethodForm extends PickType(SwitchMethodDto, ['method']) {}

export class LanguageForm {
  @IsIn(LANGUAGES)
  language!: Language;

  /** The page to go back to: one of ours, never another site. */
  @IsOptional()
  @Matches(LOCAL_PATH)
  back?: string;
}
