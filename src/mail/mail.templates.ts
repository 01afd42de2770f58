import Handlebars from 'handlebars';
import type { Language } from 'src/common/languages';

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
function template<Fields>(
  language: Language,
  source: { subject: string; html: string; text: string },
): Template<Fields> {
  const subject = handlebars.compile(`{{productName}}: ${source.subject}`, {
    noEscape: true,
    strict: true,
  });
  const html = handlebars.compile(
    `<!doctype html>\n<html lang="${language}"><body style="font-family:sans-serif">\n${source.html}\n${HTML_FOOTER}\n</body></html>\n`,
    { strict: true },
  );
  const text = handlebars.compile(source.text + TEXT_FOOTER, { noEscape: true, strict: true });
  return (context) => ({ subject: subject(context), html: html(context), text: text(context) });
}

const IF_NOT_YOU_EN = "If this wasn't you, change your password and tell your administrator.";

const en = {
  emailMethodVerificationCode: template<{ code: string }>('en', {
    subject: 'your verification code',
    text: `Your verification code is {{code}}

Enter it in {{productName}} to confirm this address for two-factor sign-in. It is valid for 10 minutes.

If you did not ask for it, ignore this email.`,
    html: `<p>Your verification code is</p>
<p style="font-size:24px;font-weight:bold;letter-spacing:4px">{{code}}</p>
<p>Enter it in {{productName}} to confirm this address for two-factor sign-in. It is valid for 10 minutes.</p>
<p>If you did not ask for it, ignore this email.</p>`,
  }),

  loginCode: template<{ code: string }>('en', {
    subject: 'your sign-in code',
    text: `Your sign-in code is {{code}}

It is valid for 10 minutes.

If this wasn't you, someone knows your password: change your password at {{publicUrl}}.`,
    html: `<p>Your sign-in code is</p>
<p style="font-size:24px;font-weight:bold;letter-spacing:4px">{{code}}</p>
<p>It is valid for 10 minutes.</p>
<p>If this wasn't you, someone knows your password: change your password at <a href="{{publicUrl}}">{{publicUrl}}</a>.</p>`,
  }),

  methodEnabled: template<{ method: string }>('en', {
    subject: 'a two-factor method was turned on',
    text: `A second factor was turned on for your account: {{method}}.

${IF_NOT_YOU_EN}`,
    html: `<p>A second factor was turned on for your account: <strong>{{method}}</strong>.</p>
<p>${IF_NOT_YOU_EN}</p>`,
  }),

  methodRemoved: template<{ method: string }>('en', {
    subject: 'a two-factor method was removed',
    text: `A second factor was removed from your account: {{method}}.

${IF_NOT_YOU_EN}`,
    html: `<p>A second factor was removed from your account: <strong>{{method}}</strong>.</p>
<p>${IF_NOT_YOU_EN}</p>`,
  }),

  twoFactorReset: template<object>('en', {
    subject: 'your two-factor authentication was reset',
    text: `An administrator reset your two-factor authentication. Your second factors, recovery codes and remembered devices were removed, and you were signed out everywhere.

Sign in at {{publicUrl}} to set up two-factor authentication again.

If you did not expect this, contact your administrator.`,
    html: `<p>An administrator reset your two-factor authentication. Your second factors, recovery codes and remembered devices were removed, and you were signed out everywhere.</p>
<p>Sign in at <a href="{{publicUrl}}">{{publicUrl}}</a> to set up two-factor authentication again.</p>
<p>If you did not expect this, contact your administrator.</p>`,
  }),

  trustedDeviceAdded: template<{ deviceName: string }>('en', {
    subject: 'a device was remembered',
    text: `A device was remembered for your account: {{deviceName}}.

For 30 days, signing in from it asks only for your password.

${IF_NOT_YOU_EN}`,
    html: `<p>A device was remembered for your account: <strong>{{deviceName}}</strong>.</p>
<p>For 30 days, signing in from it asks only for your password.</p>
<p>${IF_NOT_YOU_EN}</p>`,
  }),

  recoveryCodeUsed: template<{ remaining: number }>('en', {
    subject: 'a recovery code was used',
    text: `A recovery code was used to sign in to your account. Recovery codes left: {{remaining}}.

${IF_NOT_YOU_EN}`,
    html: `<p>A recovery code was used to sign in to your account. Recovery codes left: <strong>{{remaining}}</strong>.</p>
<p>${IF_NOT_YOU_EN}</p>`,
  }),

  temporaryCodeUsed: template<object>('en', {
    subject: 'a temporary access code was used',
    text: `A temporary access code from our support team was used to sign in to your account. The next step was to set up a new two-factor method.

If this wasn't you, change your password and contact your administrator or our support team.`,
    html: `<p>A temporary access code from our support team was used to sign in to your account. The next step was to set up a new two-factor method.</p>
<p>If this wasn't you, change your password and contact your administrator or our support team.</p>`,
  }),

  /** H4: to the user and the account's administrators; carries the reason, never a code. */
  supportAction: template<{
    action: string;
    userEmail: string;
    outcome: string;
    reason: string;
    ticket: string;
  }>('en', {
    subject: 'support: {{action}}',
    text: `Our support team asked to {{action}} for {{userEmail}}: {{outcome}}.

Reason given: {{reason}}
Ticket: {{ticket}}

If you did not ask for help, tell your administrator.`,
    html: `<p>Our support team asked to <strong>{{action}}</strong> for {{userEmail}}: {{outcome}}.</p>
<p>Reason given: {{reason}}<br>Ticket: {{ticket}}</p>
<p>If you did not ask for help, tell your administrator.</p>`,
  }),
};

const IF_NOT_YOU_FR =
  "Si ce n'était pas vous, changez votre mot de passe et prévenez votre administrateur.";

const fr: typeof en = {
  emailMethodVerificationCode: template<{ code: string }>('fr', {
    subject: 'votre code de vérification',
    text: `Votre code de vérification est {{code}}

Saisissez-le dans {{productName}} pour confirmer cette adresse pour la connexion en deux étapes. Il est valable 10 minutes.

Si vous ne l'avez pas demandé, ignorez ce courriel.`,
    html: `<p>Votre code de vérification est</p>
<p style="font-size:24px;font-weight:bold;letter-spacing:4px">{{code}}</p>
<p>Saisissez-le dans {{productName}} pour confirmer cette adresse pour la connexion en deux étapes. Il est valable 10 minutes.</p>
<p>Si vous ne l'avez pas demandé, ignorez ce courriel.</p>`,
  }),

  loginCode: template<{ code: string }>('fr', {
    subject: 'votre code de connexion',
    text: `Votre code de connexion est {{code}}

Il est valable 10 minutes.

Si ce n'était pas vous, quelqu'un connaît votre mot de passe : changez-le sur {{publicUrl}}.`,
    html: `<p>Votre code de connexion est</p>
<p style="font-size:24px;font-weight:bold;letter-spacing:4px">{{code}}</p>
<p>Il est valable 10 minutes.</p>
<p>Si ce n'était pas vous, quelqu'un connaît votre mot de passe : changez-le sur <a href="{{publicUrl}}">{{publicUrl}}</a>.</p>`,
  }),

  methodEnabled: template<{ method: string }>('fr', {
    subject: 'une méthode de connexion en deux étapes a été activée',
    text: `Un second facteur a été activé pour votre compte : {{method}}.

${IF_NOT_YOU_FR}`,
    html: `<p>Un second facteur a été activé pour votre compte : <strong>{{method}}</strong>.</p>
<p>${IF_NOT_YOU_FR}</p>`,
  }),

  methodRemoved: template<{ method: string }>('fr', {
    subject: 'une méthode de connexion en deux étapes a été retirée',
    text: `Un second facteur a été retiré de votre compte : {{method}}.

${IF_NOT_YOU_FR}`,
    html: `<p>Un second facteur a été retiré de votre compte : <strong>{{method}}</strong>.</p>
<p>${IF_NOT_YOU_FR}</p>`,
  }),

  twoFactorReset: template<object>('fr', {
    subject: 'votre authentification à deux facteurs a été réinitialisée',
    text: `Un administrateur a réinitialisé votre authentification à deux facteurs. Vos seconds facteurs, codes de récupération et appareils mémorisés ont été supprimés, et vous avez été déconnecté partout.

Connectez-vous sur {{publicUrl}} pour configurer de nouveau l'authentification à deux facteurs.

Si vous ne vous y attendiez pas, contactez votre administrateur.`,
    html: `<p>Un administrateur a réinitialisé votre authentification à deux facteurs. Vos seconds facteurs, codes de récupération et appareils mémorisés ont été supprimés, et vous avez été déconnecté partout.</p>
<p>Connectez-vous sur <a href="{{publicUrl}}">{{publicUrl}}</a> pour configurer de nouveau l'authentification à deux facteurs.</p>
<p>Si vous ne vous y attendiez pas, contactez votre administrateur.</p>`,
  }),

  trustedDeviceAdded: template<{ deviceName: string }>('fr', {
    subject: 'un appareil a été mémorisé',
    text: `Un appareil a été mémorisé pour votre compte : {{deviceName}}.

Pendant 30 jours, s'y connecter ne demande que votre mot de passe.

${IF_NOT_YOU_FR}`,
    html: `<p>Un appareil a été mémorisé pour votre compte : <strong>{{deviceName}}</strong>.</p>
<p>Pendant 30 jours, s'y connecter ne demande que votre mot de passe.</p>
<p>${IF_NOT_YOU_FR}</p>`,
  }),

  recoveryCodeUsed: template<{ remaining: number }>('fr', {
    subject: 'un code de récupération a été utilisé',
    text: `Un code de récupération a servi à vous connecter. Codes de récupération restants : {{remaining}}.

${IF_NOT_YOU_FR}`,
    html: `<p>Un code de récupération a servi à vous connecter. Codes de récupération restants : <strong>{{remaining}}</strong>.</p>
<p>${IF_NOT_YOU_FR}</p>`,
  }),

  temporaryCodeUsed: template<object>('fr', {
    subject: "un code d'accès temporaire a été utilisé",
    text: `Un code d'accès temporaire de notre équipe d'assistance a servi à vous connecter. L'étape suivante était de configurer une nouvelle méthode de connexion en deux étapes.

Si ce n'était pas vous, changez votre mot de passe et contactez votre administrateur ou notre équipe d'assistance.`,
    html: `<p>Un code d'accès temporaire de notre équipe d'assistance a servi à vous connecter. L'étape suivante était de configurer une nouvelle méthode de connexion en deux étapes.</p>
<p>Si ce n'était pas vous, changez votre mot de passe et contactez votre administrateur ou notre équipe d'assistance.</p>`,
  }),

  supportAction: template<{
    action: string;
    userEmail: string;
    outcome: string;
    reason: string;
    ticket: string;
  }>('fr', {
    subject: 'assistance : {{action}}',
    text: `Notre équipe d'assistance a demandé de {{action}} pour {{userEmail}} : {{outcome}}.

Motif donné : {{reason}}
Ticket : {{ticket}}

Si vous n'avez pas demandé d'aide, prévenez votre administrateur.`,
    html: `<p>Notre équipe d'assistance a demandé de <strong>{{action}}</strong> pour {{userEmail}} : {{outcome}}.</p>
<p>Motif donné : {{reason}}<br>Ticket : {{ticket}}</p>
<p>Si vous n'avez pas demandé d'aide, prévenez votre administrateur.</p>`,
  }),
};

/** Each message in each language: the recipient's language picks the set. */
export const MAIL_TEMPLATES: Record<Language, typeof en> = { en, fr };

/**
 * A second factor as a mail names it, by the method's name; in English each method's own
 * label. A method added later without a French name reads in English there.
 */
export const METHOD_NAMES: Record<Language, Record<string, string>> = {
  en: {},
  fr: {
    totp: "application d'authentification",
    email: 'codes par courriel',
    passkey: "clé d'accès ou clé de sécurité",
    recovery: 'code de récupération',
  },
};

/** H4: a support action and where it stands, as a support notice names them. */
export const SUPPORT_WORDS: Record<
  Language,
  { actions: Record<string, string>; outcomes: Record<string, string> }
> = {
  en: {
    actions: {
      lookup: 'look up two-factor status',
      temporary_code: 'issue a temporary access code',
      reset: 'reset two-factor authentication',
      end_sessions: 'end every session and remembered device',
    },
    outcomes: {
      done: 'done',
      pending: "waiting for an administrator's approval",
      approved: 'approved by an administrator',
      refused: 'refused by an administrator',
    },
  },
  fr: {
    actions: {
      lookup: "consulter l'état de la connexion en deux étapes",
      temporary_code: "délivrer un code d'accès temporaire",
      reset: "réinitialiser l'authentification à deux facteurs",
      end_sessions: 'mettre fin à toutes les sessions et aux appareils mémorisés',
    },
    outcomes: {
      done: 'fait',
      pending: "en attente de l'approbation d'un administrateur",
      approved: 'approuvé par un administrateur',
      refused: 'refusé par un administrateur',
    },
  },
};
