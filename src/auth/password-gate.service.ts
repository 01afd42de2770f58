import { Injectable } from '@nestjs/common';
import type { Principal } from 'src/access/principal';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { methodsOf } from 'src/two-factor/factor-registry';
import { PasswordRecheckService } from 'src/users/password-recheck.service';
import type { User } from 'src/users/user.entity';
import { UsersService } from 'src/users/users.service';
import { ChallengesService } from './challenges.service';

/**
 * P6: every change to the user's own security needs the current password again, except with a
 * setup token, whose login just proved it, and only until its first method exists.
 */
@Injectable()
export class PasswordGate {
  constructor(
    private readonly users: UsersService,
    private readonly recheck: PasswordRecheckService,
    private readonly challenges: ChallengesService,
  ) {}

  async pass(caller: Principal, password: string | undefined, client: ClientInfo): Promise<User> {
    const user = await this.users.findById(caller.userId);
    if (!user) throw new AppException(ErrorCode.NOT_FOUND, 'No such user');
    if (caller.tokenKind === 'setup') {
      // H3: after a temporary access code the user sets up a new method beside the lost ones.
      if (
        methodsOf(user).length > 0 &&
        !(await this.challenges.openedByTemporaryCode(caller.sessionId))
      ) {
        throw new AppException(
          ErrorCode.TWO_FACTOR_REQUIRED,
          'A method is set up: sign in with it',
        );
      }
      return user;
    }
    if (password === undefined) {
      throw new AppException(ErrorCode.VALIDATION_FAILED, 'password is required');
    }
    await this.recheck.require(user, password, client);
    return user;
  }
}
