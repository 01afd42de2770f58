import { randomBytes } from 'node:crypto';
import { AccountsService } from 'src/accounts/accounts.service';
import type { Role } from 'src/access/principal';
import { UsersService } from 'src/users/users.service';
import type { TestApp } from './test-app';

export interface TestUser {
  id: string;
  accountId: string;
  email: string;
  password: string;
  role: Role;
}

/** A new account with one user of the given role; returns what a test needs to sign in. */
export async function createAccountWithUser(
  testApp: TestApp,
  role: Role = 'admin',
): Promise<TestUser> {
  const account = await testApp.app
    .get(AccountsService)
    .create(`Account ${randomBytes(3).toString('hex')}`);
  return createUser(testApp, account.id, role);
}

export async function createUser(
  testApp: TestApp,
  accountId: string,
  role: Role = 'member',
): Promise<TestUser> {
  const email = `user-${randomBytes(5).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const user = await testApp.app
    .get(UsersService)
    .create(accountId, { email, password, name: `Test ${role}`, role });
  return { id: user.id, accountId, email, password, role };
}

/** Password login; returns the access and refresh tokens. */
export async function signIn(testApp: TestApp, user: Pick<TestUser, 'email' | 'password'>) {
  const response = await testApp.http
    .post('/api/auth/login')
    .send({ email: user.email, password: user.password })
    .expect(200);
  return response.body as { accessToken: string; refreshToken: string; status: string };
}
