import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAccountWithUser, signIn } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { enableEmailMethod, enableTotpMethod, startChallenge } from './support/two-factor';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

describe('What the product tells its users', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('E6: the README says email is the weaker factor, and the app is offered beside it and asked first', async () => {
    expect(readme).toMatch(/Email is the weaker factor/);
    expect(readme).toMatch(/800-63B/);
    const user = await createAccountWithUser(t, 'member');
    const token = (await signIn(t, user)).accessToken;
    await enableEmailMethod(t, user, token, 'weaker@example.org');
    await enableTotpMethod(t, user, token);
    const challenge = await startChallenge(t, user);
    expect(challenge.methods).toEqual(['totp', 'email']);
  });

  it('D5: the README states the NIST 5.1 trade-off of trusted devices', () => {
    expect(readme).toMatch(/Trusted devices trade a factor for convenience/);
    expect(readme).toMatch(/§5\.1/);
  });

  it('the README shows the two quick-start commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
