import type { HttpAnswer, LoadJob } from './http-load';
import { codeForStep, nextUsableStep } from './totp-steps';
import type { TotpUser } from './two-factor-fixtures';

/**
 * Hands out one challenge and one valid code per request. A user is never in flight twice: two
 * codes of the same user racing could be accepted out of order, and the lower step would then be
 * refused as a replay. Users take turns (round robin), so each one's next step is usually free.
 */
export class VerifyJobs {
  private readonly idle: TotpUser[];
  private sessionToken: string | undefined;

  constructor(users: readonly TotpUser[]) {
    this.idle = users.filter((user) => user.challengeTokens.length > 0);
  }

  /** undefined when no idle user has both a challenge and a usable step left. */
  readonly next = (): LoadJob | undefined => {
    for (let tries = this.idle.length; tries > 0; tries -= 1) {
      const user = this.idle.shift()!;
      const step = nextUsableStep(user.lastUsedStep, Date.now());
      if (step === undefined) {
        this.idle.push(user); // all three steps of this window used; later users may have some
        continue;
      }
      const challengeToken = user.challengeTokens.shift()!;
      return {
        call: {
          method: 'POST',
          path: '/api/auth/two-factor/verify',
          body: { challengeToken, code: codeForStep(user.secret, step) },
        },
        settle: (answer) => this.settle(user, step, answer),
      };
    }
    return undefined;
  };

  remainingChallenges(): number {
    return this.idle.reduce((sum, user) => sum + user.challengeTokens.length, 0);
  }

  /** An access token that passed the second factor, taken from the first successful verify. */
  accessToken(): string {
    if (!this.sessionToken) throw new Error('no verify has succeeded yet');
    return this.sessionToken;
  }

  private settle(user: TotpUser, step: number, answer: HttpAnswer): void {
    // Refused or not, the step is not offered again: retrying a refused code would only add
    // failures to the user's lockout counter.
    user.lastUsedStep = step;
    if (answer.status === 200 && this.sessionToken === undefined) {
      this.sessionToken = (JSON.parse(answer.body) as { accessToken: string }).accessToken;
    }
    if (user.challengeTokens.length > 0) this.idle.push(user);
  }
}
