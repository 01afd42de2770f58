import type { Principal } from 'src/access/principal';
import type { User } from 'src/users/user.entity';
import { mayActOn } from './support-status.service';

describe('mayActOn', () => {
  const caller = (platformRole: Principal['platformRole']) =>
    ({ userId: 'me', platformRole }) as Principal;
  const target = (role: User['role'], platformRole: User['platformRole'] = null, id = 'them') =>
    ({ id, role, platformRole }) as User;

  it.each([
    ['support', 'a member', target('member'), true],
    ['support', 'an administrator', target('admin'), false],
    ['support', 'platform staff', target('member', 'support'), false],
    ['privileged-support', 'a member', target('member'), true],
    ['privileged-support', 'an administrator', target('admin'), true],
    ['privileged-support', 'platform staff', target('member', 'privileged-support'), true],
    ['privileged-support', 'themself', target('admin', 'privileged-support', 'me'), false],
  ] as const)('H2: %s on %s: %s', (role, _, user, allowed) => {
    expect(mayActOn(caller(role), user)).toBe(allowed);
  });
});
