import { Injectable } from '@nestjs/common';
import { AuditService } from 'src/audit/audit.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { LIMITS } from 'src/config/limits';
import { AttemptLimiter } from 'src/rate-limit/attempt-limiter.service';
import { PasswordService } from './password.service';
import type { User } from './user.entity';

/**
 * P6: changes that need the current password again. Wrong passwords are limited per user, so
 * a stolen session cannot guess it; while limited even the right one is refused unchecked.
 */
@Injectable()
export class PasswordRecheckService {
  constructor(
    private readonly passwords: PasswordService,
    private readonly limiter: AttemptLimiter,
    private readonly audit: AuditService,
  ) {}

  /**
   * 403 INVALID_PASSWORD, or 429 TOO_MANY_ATTEMPTS while limited; nothing changes either way.
   * Only a password checked and found wrong counts (I5).
   */
  async require(user: User, password: string, client: ClientInfo): Promise<void> {
    const limit = LIMITS.passwordRecheckFailures;
    const reservation = await this.limiter.reserve('password_recheck', user.id, limit, 'counts');
    if (!reservation.granted) {
      throw new AppException(
        ErrorCode.TOO_MANY_ATTEMPTS,
        `Too many wrong passwords; try again in ${reservation.retryAfterSeconds} s`,
        { retryAfter: reservation.retryAfterSeconds },
      );
    }
    let right: boolean;
    try {
      right = await this.passwords.verify(user.passwordHash, password);
    } catch (error) {
      await this.limiter.settle('password_recheck', user.id, limit, false);
      throw error;
    }
    await this.limiter.settle('password_recheck', user.id, limit, !right);
    if (right) return;
    await this.audit.record({ type: 'password.recheck_failed', user, client });
    throw new AppException(ErrorCode.INVALID_PASSWORD, 'The current password is not correct');
  }

  /** A new password starts with a clean slate. */
  reset(userId: string): Promise<void> {
    return this.limiter.clear('password_recheck', userId);
  }
}
