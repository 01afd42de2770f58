import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Transactions } from 'src/database/transactions';
import { createAccountWithUser } from './support/factories';
import { inParallel } from './support/parallel';
import {
  SoftwareAuthenticator,
  type AuthenticatorSettings,
  type CeremonyOverrides,
} from './support/software-authenticator';
import { startTestApp, type TestApp } from './support/test-app';
import { PasskeyCredential } from 'src/two-factor/passkey/passkey-credential.entity';
import { PasskeyService, type PasskeyUser } from 'src/two-factor/passkey/passkey.service';
import { WebAuthnChallenge } from 'src/two-factor/passkey/webauthn-challenge.entity';

const ORIGIN = 'https://auth.example.com';
const ICLOUD = 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd';
const MINUTE = 60_000;
const onMariaDb = Boolean(process.env.E2E_DATABASE_URL);

/**
 * The passkey service on the product's real database (SQLite, or MariaDB with
 * E2E_DATABASE_URL and the committed migrations), with a software authenticator on the other
 * side; the routes over it are tested in passkeys.e2e-spec.ts.
 */
describe('PasskeyService', () => {
  let t: TestApp;
  let passkeys: PasskeyService;

  beforeAll(async () => {
    t = await startTestApp({
      PUBLIC_URL: ORIGIN,
      WEBAUTHN_RP_ID: 'example.com',
      WEBAUTHN_ORIGINS: `${ORIGIN},https://example.com`,
    });
    passkeys = t.app.get(PasskeyService);
  });
  afterAll(() => t.close());

  const authenticator = (settings: Partial<AuthenticatorSettings> = {}) =>
    new SoftwareAuthenticator({ origin: ORIGIN, ...settings });

  async function newUser(): Promise<PasskeyUser> {
    const user = await createAccountWithUser(t, 'member');
    return { id: user.id, email: user.email, name: 'Pat Example' };
  }

  /** As the setup route will: verify, then store in the transaction that records the method. */
  async function register(userId: string, response: unknown) {
    const result = await passkeys.verifyRegistration(userId, response);
    if (result.outcome === 'accepted') await t.app.get(Transactions).run(result.store);
    return result;
  }

  async function userWithPasskey(settings: Partial<AuthenticatorSettings> = {}) {
    const user = await newUser();
    const device = authenticator(settings);
    const result = await register(
      user.id,
      device.register(await passkeys.registrationOptions(user)),
    );
    expect(result.outcome).toBe('accepted');
    return { user, device };
  }

  /** A login challenge's id and expiry, as auth hands them over at the second step. */
  const newSignIn = () => ({
    id: randomUUID(),
    expiresAt: new Date(t.clock.now().getTime() + 10 * MINUTE),
  });

  async function secondFactor(
    user: PasskeyUser,
    device: SoftwareAuthenticator,
    overrides: CeremonyOverrides = {},
  ) {
    const signIn = newSignIn();
    const options = await passkeys.authenticationOptions(user.id, signIn.id, signIn.expiresAt);
    const response = device.assert(options, overrides);
    return {
      signIn,
      options,
      response,
      verify: () => passkeys.verify(user.id, signIn.id, response),
    };
  }

  /** MariaDB keeps datetimes to the second. */
  const toSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

  const stored = (userId: string) =>
    t.app.get(DataSource).getRepository(PasskeyCredential).findOneByOrFail({ userId });

  describe('registration', () => {
    it('asks for a discoverable key with verification preferred, no attestation, and leaves out the keys already added', async () => {
      const { user, device } = await userWithPasskey();
      const options = await passkeys.registrationOptions(user);
      expect(options.rp).toEqual({ id: 'example.com', name: 'Gatekeeper' });
      expect(options.user.name).toBe(user.email);
      expect(Buffer.from(options.user.id, 'base64url').toString()).toBe(user.id);
      expect(options.attestation).toBe('none');
      expect(options.authenticatorSelection).toMatchObject({
        residentKey: 'preferred',
        userVerification: 'preferred',
      });
      expect(options.excludeCredentials?.map((descriptor) => descriptor.id)).toEqual([
        device.credentials[0].id,
      ]);
      expect(() => device.register(options)).toThrow(/InvalidStateError/);
    });

    it('stores a passkey with none attestation: key, counter, transports, AAGUID, backup state, times', async () => {
      const user = await newUser();
      const device = authenticator({ synced: true, transports: ['internal', 'hybrid'] });
      const result = await register(
        user.id,
        device.register(await passkeys.registrationOptions(user)),
      );
      expect(result).toEqual({
        outcome: 'accepted',
        store: expect.any(Function),
        passkey: {
          id: expect.any(String),
          name: 'Passkey 1',
          deviceType: 'multiDevice',
          backedUp: true,
          transports: ['hybrid', 'internal'],
          createdAt: t.clock.now(),
          lastUsedAt: null,
        },
      });
      const row = await stored(user.id);
      expect(row).toMatchObject({
        credentialId: device.credentials[0].id,
        counter: 1,
        aaguid: '00000000-0000-0000-0000-000000000000',
        backedUp: true,
        deviceType: 'multiDevice',
      });
      expect(row.publicKey).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      const [listed] = await passkeys.list(user.id);
      expect(listed).toEqual({
        ...(result.outcome === 'accepted' && result.passkey),
        createdAt: listed.createdAt,
      });
      expect(toSeconds(listed.createdAt)).toBe(toSeconds(t.clock.now()));
    });

    it('accepts packed self-attestation and names the passkey after its AAGUID, numbering a second one', async () => {
      const user = await newUser();
      for (const expected of ['iCloud Keychain', 'iCloud Keychain 2']) {
        const device = authenticator({ attestation: 'packed', aaguid: ICLOUD });
        const result = await register(
          user.id,
          device.register(await passkeys.registrationOptions(user)),
        );
        expect(result).toMatchObject({ outcome: 'accepted', passkey: { name: expected } });
      }
      const plain = authenticator();
      const third = await register(
        user.id,
        plain.register(await passkeys.registrationOptions(user)),
      );
      expect(third).toMatchObject({ passkey: { name: 'Passkey 1' } });
    });

    it('W2: each challenge is at least 16 random bytes, new every time', async () => {
      const user = await newUser();
      const challenges = await Promise.all(
        [1, 2, 3].map(async () => (await passkeys.registrationOptions(user)).challenge),
      );
      for (const challenge of challenges) {
        expect(Buffer.from(challenge, 'base64url').length).toBeGreaterThanOrEqual(16);
      }
      expect(new Set(challenges).size).toBe(3);
    });

    it('W1: refuses a wrong origin or RP id, storing nothing and spending nothing', async () => {
      const user = await newUser();
      const options = await passkeys.registrationOptions(user);
      for (const overrides of [
        { origin: 'https://evil.example.net' },
        { origin: 'https://auth.example.com.evil.net' },
        { rpId: 'evil.example.net' },
        { rpId: 'auth.example.com' },
      ]) {
        expect(await register(user.id, authenticator().register(options, overrides))).toEqual({
          outcome: 'invalid',
        });
      }
      expect(await passkeys.list(user.id)).toEqual([]);
      const second = authenticator({ origin: 'https://example.com' });
      expect((await register(user.id, second.register(options))).outcome).toBe('accepted');
    });

    it('W2: an answer is accepted once, for its own user, until its challenge expires', async () => {
      const user = await newUser();
      const other = await newUser();
      const response = authenticator().register(await passkeys.registrationOptions(user));
      expect((await register(other.id, response)).outcome).toBe('invalid');
      expect((await register(user.id, response)).outcome).toBe('accepted');
      expect((await register(user.id, response)).outcome).toBe('replayed');

      const late = authenticator().register(await passkeys.registrationOptions(user));
      t.clock.advance(5 * MINUTE);
      expect((await register(user.id, late)).outcome).toBe('expired');
      expect(await passkeys.list(user.id)).toHaveLength(1);
    });

    it('W5: a credential already bound to one user cannot be added to another', async () => {
      const { device } = await userWithPasskey();
      const other = await newUser();
      const cloned = device.register(await passkeys.registrationOptions(other), {
        credentialId: device.credentials[0].id,
      });
      expect((await register(other.id, cloned)).outcome).toBe('invalid');
      expect(await passkeys.list(other.id)).toEqual([]);
    });

    it('W5: of two registrations of one credential verified side by side, the second is not stored', async () => {
      const [first, second] = [await newUser(), await newUser()];
      const device = authenticator();
      const original = await passkeys.verifyRegistration(
        first.id,
        device.register(await passkeys.registrationOptions(first)),
      );
      const cloned = await passkeys.verifyRegistration(
        second.id,
        device.register(await passkeys.registrationOptions(second), {
          credentialId: device.credentials[0].id,
        }),
      );
      if (original.outcome !== 'accepted' || cloned.outcome !== 'accepted')
        throw new Error('refused');
      const transactions = t.app.get(Transactions);
      await transactions.run(original.store);
      await expect(transactions.run(cloned.store)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      expect(await passkeys.list(second.id)).toEqual([]);
      expect(await passkeys.list(first.id)).toHaveLength(1);
    });
  });

  describe('as a second factor', () => {
    it('asks with the user’s credentials for this sign-in only, expiring with it (a sign-in’s lifetime when not given)', async () => {
      const { user, device } = await userWithPasskey();
      const signIn = newSignIn();
      const options = await passkeys.authenticationOptions(user.id, signIn.id, signIn.expiresAt);
      expect(options).toMatchObject({
        rpId: 'example.com',
        userVerification: 'preferred',
        timeout: 10 * MINUTE,
        allowCredentials: [{ id: device.credentials[0].id, type: 'public-key' }],
      });
      const challenge = await t.app
        .get(DataSource)
        .getRepository(WebAuthnChallenge)
        .findOneByOrFail({ challenge: options.challenge });
      expect(challenge).toMatchObject({
        purpose: 'authentication',
        userId: user.id,
        signInId: signIn.id,
        usedAt: null,
      });
      expect(toSeconds(challenge.expiresAt)).toBe(toSeconds(signIn.expiresAt));
      t.clock.advance(4 * MINUTE);
      const later = await passkeys.authenticationOptions(user.id, signIn.id, signIn.expiresAt);
      expect(later.timeout).toBe(6 * MINUTE);
      const unbounded = await passkeys.authenticationOptions(user.id, signIn.id);
      expect(unbounded.timeout).toBe(10 * MINUTE);
    });

    it('accepts an assertion and records its counter and time', async () => {
      const { user, device } = await userWithPasskey();
      t.clock.advance(MINUTE);
      const { verify } = await secondFactor(user, device);
      expect(await verify()).toBe('accepted');
      const row = await stored(user.id);
      expect(row.counter).toBe(2);
      expect(toSeconds(row.lastUsedAt!)).toBe(toSeconds(t.clock.now()));
    });

    it.each([['counts', 'counting'] as const, ['always reports 0', 'zero'] as const])(
      'W2: the same assertion twice is a replay, also from an authenticator that %s',
      async (_, counter) => {
        const { user, device } = await userWithPasskey({ counter });
        const { verify } = await secondFactor(user, device);
        expect(await verify()).toBe('accepted');
        expect(await verify()).toBe('replayed');
      },
    );

    it('W2: a challenge from another sign-in, another user or passwordless sign-in does not pass', async () => {
      const { user, device } = await userWithPasskey();
      const { response } = await secondFactor(user, device);
      expect(await passkeys.verify(user.id, randomUUID(), response)).toBe('invalid');
      const passwordless = device.assert(await passkeys.passwordlessOptions());
      expect(await passkeys.verify(user.id, randomUUID(), passwordless)).toBe('invalid');
      const second = await secondFactor(user, device);
      expect((await passkeys.verifyPasswordless(second.response)).outcome).toBe('invalid');
      expect(await second.verify()).toBe('accepted');
    });

    it('W2: the challenge expires with its sign-in', async () => {
      const { user, device } = await userWithPasskey();
      const { verify } = await secondFactor(user, device);
      t.clock.advance(10 * MINUTE);
      expect(await verify()).toBe('expired');
    });

    it('W1: refuses a wrong origin or RP id, and the right answer still passes afterwards', async () => {
      const { user, device } = await userWithPasskey();
      const { signIn, options } = await secondFactor(user, device);
      for (const overrides of [
        { origin: 'https://evil.example.net' },
        { origin: 'http://auth.example.com' },
        { rpId: 'evil.example.net' },
      ]) {
        expect(await passkeys.verify(user.id, signIn.id, device.assert(options, overrides))).toBe(
          'invalid',
        );
      }
      expect(await passkeys.verify(user.id, signIn.id, device.assert(options))).toBe('accepted');
    });

    it('W3: a counter that goes backwards or stays put is refused as a replay and changes nothing', async () => {
      const { user, device } = await userWithPasskey();
      expect(await (await secondFactor(user, device, { counter: 7 })).verify()).toBe('accepted');
      for (const counter of [6, 7, 0]) {
        expect(await (await secondFactor(user, device, { counter })).verify()).toBe('replayed');
      }
      expect(await stored(user.id)).toMatchObject({ counter: 7 });
      expect(await (await secondFactor(user, device, { counter: 8 })).verify()).toBe('accepted');
    });

    it('W3: an authenticator that always reports 0 is accepted every time', async () => {
      const { user, device } = await userWithPasskey({ counter: 'zero' });
      for (let i = 0; i < 3; i++) {
        expect(await (await secondFactor(user, device)).verify()).toBe('accepted');
      }
      expect(await stored(user.id)).toMatchObject({ counter: 0 });
    });

    it('W4: user presence suffices: an assertion without user verification passes', async () => {
      const { user, device } = await userWithPasskey({ userVerification: false });
      expect(await (await secondFactor(user, device)).verify()).toBe('accepted');
    });

    it('W4: an assertion without user presence is refused', async () => {
      const { user, device } = await userWithPasskey();
      expect(await (await secondFactor(user, device, { userPresent: false })).verify()).toBe(
        'invalid',
      );
    });

    it("W5: another user's passkey does not pass a user's second factor", async () => {
      const owner = await userWithPasskey();
      const user = await newUser();
      await userWithPasskey(); // a third party, so that lists are not empty by accident
      const signIn = newSignIn();
      const options = await passkeys.authenticationOptions(user.id, signIn.id, signIn.expiresAt);
      expect(options.allowCredentials).toEqual([]);
      const response = owner.device.assert({ ...options, allowCredentials: undefined });
      expect(await passkeys.verify(user.id, signIn.id, response)).toBe('invalid');
    });

    it.each([
      ['nothing', undefined],
      ['a string', 'passkey'],
      ['an array', [1, 2]],
      ['an empty object', {}],
      ['no response part', { id: 'abc', rawId: 'abc', type: 'public-key' }],
      ['a numeric id', { id: 5, rawId: 5, type: 'public-key', response: {} }],
    ])('I3: %s answers invalid, without an error', async (_, input) => {
      expect(await passkeys.verify(randomUUID(), randomUUID(), input)).toBe('invalid');
      expect((await passkeys.verifyPasswordless(input)).outcome).toBe('invalid');
      expect((await register(randomUUID(), input)).outcome).toBe('invalid');
    });

    it('I3: tampered fields answer invalid, spend nothing, and the genuine answer then passes', async () => {
      const { user, device } = await userWithPasskey();
      const { signIn, response, verify } = await secondFactor(user, device);
      const tampered = (patch: Record<string, unknown>) => ({
        ...response,
        response: { ...response.response, ...patch },
      });
      const clientData = JSON.parse(
        Buffer.from(response.response.clientDataJSON, 'base64url').toString(),
      );
      const encoded = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      for (const input of [
        tampered({ clientDataJSON: encoded({ ...clientData, origin: 'https://example.com' }) }),
        tampered({ clientDataJSON: Buffer.from('{"challenge":').toString('base64url') }),
        tampered({ clientDataJSON: 'not base64url!' }),
        tampered({ authenticatorData: 'AAAA' }),
        tampered({ signature: Buffer.from('forged').toString('base64url') }),
        tampered({ userHandle: 42 }),
        { ...response, id: 'x'.repeat(400), rawId: 'x'.repeat(400) },
        { ...response, rawId: 'other' },
      ]) {
        expect(await passkeys.verify(user.id, signIn.id, input)).toBe('invalid');
      }
      expect(await verify()).toBe('accepted');
    });

    it('W2: of 10 parallel submissions of one assertion exactly one is accepted, the challenge alone deciding (MariaDB: several connections)', async () => {
      const { user, device } = await userWithPasskey({ counter: 'zero' });
      const { verify } = await secondFactor(user, device);
      const run = await inParallel(Array.from({ length: 10 }, () => verify));
      expect(run.maxInFlight).toBeGreaterThan(1);
      expect(run.responses.filter((outcome) => outcome === 'accepted')).toHaveLength(1);
      expect(run.responses.filter((outcome) => outcome === 'replayed')).toHaveLength(9);
    });

    it('W3: of parallel assertions with one counter value for two sign-ins, one is accepted (MariaDB: several connections)', async () => {
      const { user, device } = await userWithPasskey();
      const first = await secondFactor(user, device, { counter: 5 });
      const second = await secondFactor(user, device, { counter: 5 });
      const run = await inParallel([first.verify, second.verify, first.verify, second.verify]);
      expect(run.maxInFlight).toBeGreaterThan(1);
      expect(run.responses.filter((outcome) => outcome === 'accepted')).toHaveLength(1);
      expect(await stored(user.id)).toMatchObject({ counter: 5 });
    });
  });

  describe('passwordless sign-in', () => {
    it('asks for a discoverable passkey with user verification required, listing none', async () => {
      const options = await passkeys.passwordlessOptions();
      expect(options).toMatchObject({ rpId: 'example.com', userVerification: 'required' });
      expect(options.allowCredentials).toBeUndefined();
    });

    it('W4: a verified user is signed in and named by the passkey', async () => {
      const { user, device } = await userWithPasskey();
      const response = device.assert(await passkeys.passwordlessOptions());
      expect(await passkeys.verifyPasswordless(response)).toEqual({
        outcome: 'accepted',
        userId: user.id,
      });
      expect(await passkeys.verifyPasswordless(response)).toEqual({
        outcome: 'replayed',
        userId: user.id,
      });
    });

    it('as a second factor, a user handle left out, null or empty (as some client libraries send it) is no handle', async () => {
      const { user, device } = await userWithPasskey();
      for (const userHandle of [null, '']) {
        expect(await (await secondFactor(user, device, { userHandle })).verify()).toBe('accepted');
      }
    });

    it('W4: without user verification it is refused, though the same key passes as a second factor', async () => {
      const { user, device } = await userWithPasskey({ userVerification: false });
      const response = device.assert(await passkeys.passwordlessOptions());
      expect(await passkeys.verifyPasswordless(response)).toEqual({ outcome: 'invalid' });
      expect(await (await secondFactor(user, device)).verify()).toBe('accepted');
    });

    it('W5: the user handle must be there and name the passkey’s owner', async () => {
      const { device } = await userWithPasskey();
      const other = await newUser();
      for (const userHandle of [null, '', Buffer.from(other.id).toString('base64url')]) {
        const response = device.assert(await passkeys.passwordlessOptions(), { userHandle });
        expect(await passkeys.verifyPasswordless(response)).toEqual({ outcome: 'invalid' });
      }
    });

    it('W3: a counter going backwards is refused and names the user, for the audit', async () => {
      const { user, device } = await userWithPasskey();
      expect(await (await secondFactor(user, device, { counter: 9 })).verify()).toBe('accepted');
      const response = device.assert(await passkeys.passwordlessOptions(), { counter: 3 });
      expect(await passkeys.verifyPasswordless(response)).toEqual({
        outcome: 'replayed',
        userId: user.id,
      });
    });

    it('W2: the challenge expires after five minutes', async () => {
      const { device } = await userWithPasskey();
      const response = device.assert(await passkeys.passwordlessOptions());
      t.clock.advance(5 * MINUTE);
      expect(await passkeys.verifyPasswordless(response)).toEqual({ outcome: 'expired' });
    });
  });

  describe('the user’s passkeys', () => {
    it('renames one without the password; another user’s is not found', async () => {
      const { user } = await userWithPasskey();
      const [passkey] = await passkeys.list(user.id);
      expect(await passkeys.rename(user.id, passkey.id, 'Work laptop')).toMatchObject({
        id: passkey.id,
        name: 'Work laptop',
      });
      expect((await passkeys.list(user.id))[0].name).toBe('Work laptop');
      const other = await newUser();
      await expect(passkeys.rename(other.id, passkey.id, 'Mine')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      expect((await passkeys.list(user.id))[0].name).toBe('Work laptop');
    });

    it('W5: removes one of the user’s passkeys, never another user’s', async () => {
      const { user, device } = await userWithPasskey();
      const second = authenticator();
      t.clock.advance(1000); // listed oldest first
      await register(user.id, second.register(await passkeys.registrationOptions(user)));
      const [first] = await passkeys.list(user.id);
      const pending = await secondFactor(user, device);
      const other = await newUser();
      const transactions = t.app.get(Transactions);
      const removeFor = (userId: string) =>
        transactions.run((manager) => passkeys.removeCredential(manager, userId, first.id));
      expect(await removeFor(other.id)).toBe(false);
      expect(await removeFor(user.id)).toBe(true);
      expect(await passkeys.list(user.id)).toHaveLength(1);
      expect(await pending.verify()).toBe('invalid');
      expect(await (await secondFactor(user, second)).verify()).toBe('accepted');
    });

    it('W5: reset removes every passkey of the user and their open challenges, and nobody else’s', async () => {
      const { user, device } = await userWithPasskey();
      await register(user.id, authenticator().register(await passkeys.registrationOptions(user)));
      const bystander = await userWithPasskey();
      const pending = await secondFactor(user, device);
      const transactions = t.app.get(Transactions);
      expect(await transactions.run((manager) => passkeys.isEnabled(manager, user.id))).toBe(true);
      await transactions.run((manager) => passkeys.remove(manager, user.id));
      expect(await transactions.run((manager) => passkeys.isEnabled(manager, user.id))).toBe(false);
      expect(await passkeys.list(user.id)).toEqual([]);
      expect(await pending.verify()).toBe('invalid');
      expect(await passkeys.list(bystander.user.id)).toHaveLength(1);
    });
  });

  (onMariaDb ? it : it.skip)(
    'the committed migration creates exactly the tables the passkey entities declare',
    async () => {
      // database.e2e-spec.ts checks the product's entities; these join them once wired in.
      const pending = await t.app.get(DataSource).driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    },
  );
});
