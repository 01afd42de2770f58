import Handlebars from 'handlebars';

/** What every message knows besides its own fields; from config. */
export interface Branding {
  productName: string;
  publicUrl: string;
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

type Template<Fields> = (context: Fields & Branding) => RenderedMail;

// An own instance, so helpers or partials registered elsewhere cannot change these mails.
const handlebars = Handlebars.create();

const HTML_FOOTER = `<p style="color:#666;font-size:12px">{{productName}} · <a href="{{publicUrl}}">{{publicUrl}}</a></p>`;
const TEXT_FOOTER = `\n\n-- \n{{productName}} · {{publicUrl}}\n`;

/**
 * Compiles one message once, at load. Variables are HTML-escaped in the HTML version and left
 * as typed in the subject and text; `strict` makes a missing variable throw instead of
 * silently sending a blank.
 */
function template<Fields>(source: {
  subject: string;
  html: string;
  text: string;
}): Template<Fields> {
  const subject = handlebars.compile(`{{productName}}: ${source.subject}`, {
    noEscape: true,
    strict: true,
  });
  const html = handlebars.compile(
    `<!doctype html>\n<html><body style="font-family:sans-serif">\n${source.html}\n${HTML_FOOTER}\n</body></html>\n`,
    { strict: true },
  );
  const text = handlebars.compile(source.text + TEXT_FOOTER, { noEscape: true, strict: true });
  return (context) => ({ subject: subject(context), html: html(context), text: text(context) });
}

const IF_NOT_YOU = "If this wasn't you, change your password and tell your administrator.";

export const MAIL_TEMPLATES = {
  emailMethodVerificationCode: template<{ code: string }>({
    subject: 'your verification code',
    text: `Your verification code is {{code}}

Enter it in {{productName}} to confirm this address for two-factor sign-in. It is valid for 10 minutes.

If you did not ask for it, ignore this email.`,
    html: `<p>Your verification code is</p>
<p style="font-size:24px;font-weight:bold;letter-spacing:4px">{{code}}</p>
<p>Enter it in {{productName}} to confirm this address for two-factor sign-in. It is valid for 10 minutes.</p>
<p>If you did not ask for it, ignore this email.</p>`,
  }),

  loginCode: template<{ code: string }>({
    subject: 'your sign-in code',
    text: `Your sign-in code is {{code}}

It is valid for 10 minutes.

If this wasn't you, someone knows your password: change your password at {{publicUrl}}.`,
    html: `<p>Your sign-in code is</p>
<p style="font-size:24px;font-weight:bold;letter-spacing:4px">{{code}}</p>
<p>It is valid for 10 minutes.</p>
<p>If this wasn't you, someone knows your password: change your password at <a href="{{publicUrl}}">{{publicUrl}}</a>.</p>`,
  }),

  methodEnabled: template<{ method: string }>({
    subject: 'a two-factor method was turned on',
    text: `A second factor was turned on for your account: {{method}}.

${IF_NOT_YOU}`,
    html: `<p>A second factor was turned on for your account: <strong>{{method}}</strong>.</p>
<p>${IF_NOT_YOU}</p>`,
  }),

  methodRemoved: template<{ method: string }>({
    subject: 'a two-factor method was removed',
    text: `A second factor was removed from your account: {{method}}.

${IF_NOT_YOU}`,
    html: `<p>A second factor was removed from your account: <strong>{{method}}</strong>.</p>
<p>${IF_NOT_YOU}</p>`,
  }),

  twoFactorReset: template<object>({
    subject: 'your two-factor authentication was reset',
    text: `An administrator reset your two-factor authentication. Your second factors, recovery codes and remembered devices were removed, and you were signed out everywhere.

Sign in at {{publicUrl}} to set up two-factor authentication again.

If you did not expect this, contact your administrator.`,
    html: `<p>An administrator reset your two-factor authentication. Your second factors, recovery codes and remembered devices were removed, and you were signed out everywhere.</p>
<p>Sign in at <a href="{{publicUrl}}">{{publicUrl}}</a> to set up two-factor authentication again.</p>
<p>If you did not expect this, contact your administrator.</p>`,
  }),

  trustedDeviceAdded: template<{ deviceName: string }>({
    subject: 'a device was remembered',
    text: `A device was remembered for your account: {{deviceName}}.

For 30 days, signing in from it asks only for your password.

${IF_NOT_YOU}`,
    html: `<p>A device was remembered for your account: <strong>{{deviceName}}</strong>.</p>
<p>For 30 days, signing in from it asks only for your password.</p>
<p>${IF_NOT_YOU}</p>`,
  }),

  recoveryCodeUsed: template<{ remaining: number }>({
    subject: 'a recovery code was used',
    text: `A recovery code was used to sign in to your account. Recovery codes left: {{remaining}}.

${IF_NOT_YOU}`,
    html: `<p>A recovery code was used to sign in to your account. Recovery codes left: <strong>{{remaining}}</strong>.</p>
<p>${IF_NOT_YOU}</p>`,
  }),
};
