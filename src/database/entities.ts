import { Account } from 'src/accounts/account.entity';
import { AuditEvent } from 'src/audit/audit-event.entity';
import { TrustedDevice } from 'src/devices/trusted-device.entity';
import { AccountPolicy } from 'src/policy/account-policy.entity';
import { RefreshToken } from 'src/sessions/refresh-token.entity';
import { EmailFactor } from 'src/two-factor/email/email-factor.entity';
import { LoginChallenge } from 'src/two-factor/login-challenge.entity';
import { OneTimeCode } from 'src/two-factor/one-time-code.entity';
import { RecoveryCode } from 'src/two-factor/recovery/recovery-code.entity';
import { TotpFactor } from 'src/two-factor/totp/totp-factor.entity';
import { TwoFactorState } from 'src/two-factor/two-factor-state.entity';
import { User } from 'src/users/user.entity';

/** Every table of the product; the migrations must match this list. */
export const ENTITIES = [
  Account,
  User,
  RefreshToken,
  AuditEvent,
  EmailFactor,
  TotpFactor,
  OneTimeCode,
  LoginChallenge,
  TwoFactorState,
  RecoveryCode,
  TrustedDevice,
  AccountPolicy,
];
