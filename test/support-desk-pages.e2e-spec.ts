import request from 'supertest';
import { because, supportPerson } from './support/support-staff';
import { startTestApp, type TestApp } from './support/test-app';
import { userWithMethods } from './support/two-factor';

function csrfOf(html: string): string {
  const match = /name="_csrf" value="([0-9a-f]+)"/.exec(html);
  if (!match) throw new Error(`no CSRF token in ${html.slice(0, 500)}`);
  return match[1];
}

/** The help page's last answer, "contact a member of our technical support team", in the pages. */
describe('Support desk in the pages', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('the help page tells a user whom no administrator can help to contact support, in English and French', async () => {
    const english = await t.http.get('/help').set('Accept-Language', 'en').expect(200);
    expect(english.text).toContain('None of my account administrators can help');
    expect(english.text).toContain('Contact a member of our technical support team');
    const french = await t.http.get('/help').set('Accept-Language', 'fr').expect(200);
    expect(french.text).toContain('Aucun administrateur de mon compte ne peut m&#x27;aider');
    expect(french.text).toContain('équipe d&#x27;assistance technique');
  });

  it('H3: at the code step a user chooses the temporary access code support gave them, then sets up a new method', async () => {
    const { user } = await userWithMethods(t, ['totp']);
    const support = await supportPerson(t);
    const code = (
      await t
        .as(support.token)
        .post(`/api/support/users/${user.id}/temporary-code`)
        .send(because(support))
        .expect(200)
    ).body.temporaryCode as string;

    const browser = request.agent(t.app.getHttpServer());
    const form = await browser.get('/').expect(200);
    await browser
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrfOf(form.text), email: user.email, password: user.password })
      .expect(303);
    const methods = await browser.get('/sign-in/methods').set('Accept-Language', 'en').expect(200);
    expect(methods.text).toContain('A temporary access code from support');
    await browser
      .post('/sign-in/method')
      .type('form')
      .send({ _csrf: csrfOf(methods.text), method: 'temporary' })
      .expect(303);
    const step = await browser.get('/').set('Accept-Language', 'en').expect(200);
    expect(step.text).toContain('Temporary access code');
    await browser
      .post('/sign-in/code')
      .type('form')
      .send({ _csrf: csrfOf(step.text), code })
      .expect(303)
      .expect('Location', '/account/security');
    // A setup sign-in: the methods can be set up, nothing else is open yet.
    const setup = await browser
      .get('/account/security/methods/totp/setup')
      .set('Accept-Language', 'en')
      .expect(200);
    expect(setup.text).toContain('_csrf');
  });
});
