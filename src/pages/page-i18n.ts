import type { Request } from 'express';
import { acceptedLanguage, type Language } from 'src/common/languages';

/**
 * Every text the pages show, in English and French, from this one catalogue. `{name}` marks a
 * value filled in when the page is rendered (and escaped there like any other value).
 */

const en = {
  'lang.name': 'English',
  'lang.switch': 'Language',
  'lang.apply': 'Change language',
  'nav.security': 'Two-factor authentication',
  'nav.signOut': 'Sign out',
  'nav.admin': 'Admin panel',
  'nav.help': 'Help',
  'nav.skip': 'Skip to content',

  'signIn.title': 'Sign in',
  'signIn.email': 'Email',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.help': 'Trouble signing in?',

  'code.title': 'Two-factor authentication',
  'code.totp': 'Open your authenticator app and enter the 6-digit code it shows for {product}.',
  'code.email': 'We emailed a 6-digit code to {hint}. It is valid for 10 minutes.',
  'code.recovery':
    'Enter one of the recovery codes you saved when you set up two-factor authentication. Each code works once.',
  'code.other': 'Answer with your {method}.',
  'code.label': 'Verification code',
  'code.recoveryLabel': 'Recovery code',
  'code.temporary':
    'Enter the temporary access code our support team gave you. It works once, within an hour; you will then set up a new method.',
  'code.temporaryLabel': 'Temporary access code',
  'code.remember': "Don't ask me again on this device",
  'code.rememberHint': 'For 30 days, on a computer only you use.',
  'code.submit': 'Verify',
  'code.resend': 'Send me another code',
  'code.another': 'Use another authentication method',
  'code.restart': 'Start over',
  'code.spamHint':
    'No mail yet? Look in your junk folder, or wait a moment before asking for another code.',

  'methods.title': 'Use another authentication method',
  'methods.intro': 'Choose how you want to confirm it is you.',
  'methods.back': 'Back',

  'method.totp': 'Authenticator app',
  'method.email': 'Email authentication',
  'method.recovery': 'A recovery code',
  'method.temporary': 'A temporary access code from support',
  'method.passkey': 'Passkey or security key',

  'setup.title': 'Set up two-factor authentication',
  'setup.required':
    'Your account administrators require two-factor authentication. Set up at least one method to finish signing in.',
  'setup.choose': 'Choose a method',

  'security.title': 'Two-factor authentication',
  'security.intro':
    'Besides your password, a second method proves it is you when you sign in. You can turn on several; at sign-in we ask for the one you used last.',
  'security.on': 'On',
  'security.off': 'Off',
  'security.turnOn': 'Turn on {method}',
  'security.turnOff': 'Turn off {method}',
  'security.mandatoryLast':
    'Two-factor authentication is mandatory for your account, so this last method cannot be turned off. Set up another method first, or ask an account administrator.',
  'security.totpIntro':
    'Codes from an app on your phone, such as Google Authenticator, Microsoft Authenticator, Duo Mobile or Authy.',
  'security.totpNew': 'Set up a new authenticator app',
  'security.emailIntro':
    'Codes sent by email, to an address that may differ from the one you sign in with.',
  'security.emailAddress': 'Codes go to {address}.',
  'security.emailPending': 'Waiting for the code sent to {address}.',
  'security.emailModify': 'Modify email address',
  'security.emailContinue': 'Enter the code',
  'security.passkeysTitle': 'Passkeys',
  'security.passkeyIntro':
    'Sign in with your fingerprint, face, screen lock or a security key, with nothing to type. A passkey cannot be phished.',
  'security.passkeysNone': 'No passkeys yet.',
  'security.passkeyAdd': 'Add a passkey',
  'security.passkeyAdded': 'Added {date}',
  'security.passkeyLastUsed': 'last used {date}',
  'security.passkeyNeverUsed': 'never used',
  'security.passkeyRename': 'Rename',
  'security.passkeyRemove': 'Remove',
  'signIn.passkey': 'Sign in with a passkey',
  'signIn.or': 'Or, without a password:',
  'code.passkey':
    'Use your passkey or security key for {product}: your device asks you to confirm with your fingerprint, face, screen lock or a touch of the key.',
  'code.passkeySubmit': 'Use a passkey',
  'passkey.title': 'Add a passkey',
  'passkey.intro':
    'Your browser asks where to keep the passkey: on this device, on your phone, or on a security key.',
  'passkey.name': 'Name for this passkey',
  'passkey.nameHint':
    'Optional, for example "Work laptop". Without one, it is named after its model.',
  'passkey.create': 'Create the passkey',
  'passkey.failed':
    'The passkey did not answer, or was not accepted. Try again, or use another method.',
  'passkey.needsScript':
    'Passkeys need JavaScript and a browser that supports them. Use another method, or turn JavaScript on.',
  'renamePasskey.title': 'Rename a passkey',
  'renamePasskey.name': 'New name',
  'renamePasskey.submit': 'Save the name',
  'removePasskey.title': 'Remove a passkey',
  'removePasskey.intro':
    '{name} will no longer sign you in. Remove it from the device as well, in its settings.',
  'notice.passkeyAdded': 'The passkey {name} was added.',
  'notice.passkeyRenamed': 'The passkey is now named {name}.',
  'notice.passkeyRemoved': 'The passkey {name} was removed.',
  'error.PASSKEY_REFUSED': 'Your passkey was not accepted. Try again, or use another method.',
  'error.PASSKEY_SIGN_IN':
    'This passkey did not sign you in. Sign in with your password, or try another passkey.',
  'security.recoveryTitle': 'Recovery codes',
  'security.recoveryIntro':
    'Single-use codes for when your phone or mailbox is out of reach. {remaining} left.',
  'security.recoveryNew': 'Get new recovery codes',
  'security.devicesTitle': 'Trusted devices',
  'security.devicesIntro':
    'On these devices you sign in with your password only, for 30 days from when you trusted them.',
  'security.devicesNone': 'No trusted devices.',
  'security.thisDevice': 'This device',
  'security.deviceUntil': 'Trusted until {date}',
  'security.removeDevice': 'Remove this device',
  'security.passwordTitle': 'Password',
  'security.changePassword': 'Change password',
  'security.sessionsTitle': 'Sessions',
  'security.signOutEverywhere': 'Sign out everywhere',
  'security.signOutEverywhereHint':
    'Ends every session and forgets every trusted device, this one included.',

  'prompt.password': 'Password',
  'prompt.passwordHint': 'Enter your password to confirm it is you.',
  'prompt.continue': 'Continue',
  'prompt.cancel': 'Cancel',
  'prompt.yesRemove': 'Yes, remove',

  'copy.key': 'Copy the key',
  'copy.codes': 'Copy the codes',
  'copy.done': 'Copied',
  'copy.failed': 'Could not copy: select the text and copy it yourself.',

  'totp.title': 'Authenticator app',
  'totp.step1': 'Open your authenticator app and add a new account.',
  'totp.step2': 'Scan this QR code with it.',
  'totp.qrAlt': 'QR code to add {product} to your authenticator app',
  'totp.manual': 'Do it manually',
  'totp.manualHint': 'Type this key in your app and choose a time-based key:',
  'totp.apps': 'Apps that work with it include:',
  'totp.step3': 'Enter the 6-digit code the app now shows.',
  'totp.confirm': 'Confirm',

  'email.title': 'Email authentication',
  'email.address': 'Email address for the codes',
  'email.addressHint': 'It may differ from the address you sign in with.',
  'email.send': 'Send me a verification code',
  'email.sent': 'We sent a 6-digit code to {address}.',
  'email.confirm': 'Confirm',

  'remove.title': 'Turn off {method}',
  'remove.intro': 'You will no longer be asked for this method when you sign in.',
  'removeDevice.title': 'Remove this device',
  'removeDevice.intro': '{device} will ask for the second factor again at the next sign-in.',

  'recovery.title': 'Recovery codes',
  'recovery.intro': 'Getting new codes makes the old ones stop working.',
  'recovery.get': 'Get new recovery codes',
  'recovery.shownOnce':
    'Keep these codes somewhere safe: they are shown only this once. Each one signs you in once in place of your second factor.',
  'recovery.download': 'Download as a text file',
  'recovery.saved': 'I have saved them',
  'recovery.print': 'Print the codes',

  'password.title': 'Change password',
  'password.current': 'Current password',
  'password.new': 'New password',
  'password.newHint': 'At least 8 characters. Other sessions and trusted devices end.',
  'password.submit': 'Change password',

  'help.title': 'Help with signing in',
  'help.lostQ': 'I no longer have my phone or my mailbox',
  'help.lostA':
    'Sign in with one of your recovery codes, through "Use another authentication method". Without one, contact one of your account administrators: they can reset your two-factor methods, and you will set up a new one at your next sign-in.',
  'help.switchQ': 'How do I use my other method?',
  'help.switchA':
    'At the code step, choose "Use another authentication method". We ask for the method you used last by default.',
  'help.lastQ': 'Why can I not turn off my last method?',
  'help.lastA':
    'Your account administrators made two-factor authentication mandatory. Set up another method first, or ask an administrator.',
  'help.supportQ': 'None of my account administrators can help',
  'help.supportA':
    'Contact a member of our technical support team. Once they have checked who you are, they can give you a temporary access code, valid for one hour: sign in with your password, choose "Use another authentication method", enter the code, and set up a new method. Your account administrators are told, and may have to approve it first.',
  'help.back': 'Back to sign-in',

  'notice.signedOut': 'You are signed out.',
  'notice.sessionEnded': 'Your session has ended. Sign in again.',
  'notice.codeSent': 'We sent you another code.',
  'notice.methodOn': '{method} is on.',
  'notice.methodOff': '{method} is off.',
  'notice.deviceRemoved': 'The device was removed from your trusted devices.',
  'notice.passwordChanged':
    'Your password was changed. Your other sessions and trusted devices have ended.',

  'error.title': 'Something went wrong',
  'error.back': 'Back to the start',
  'error.INVALID_CREDENTIALS': 'The email or the password is wrong.',
  'error.INVALID_CODE': 'That code is not right. Check it and try again.',
  'error.CODE_ALREADY_USED': 'That code was used already. Wait for the next one and try again.',
  'error.CODE_EXPIRED': 'That code has expired. Ask for another one.',
  'error.CHALLENGE_EXPIRED': 'This sign-in has expired. Sign in again.',
  'error.LOCKED': 'Too many wrong codes. Two-factor sign-in is locked until {until}.',
  'error.TOO_MANY_ATTEMPTS': 'Too many wrong attempts. Sign in again.',
  'error.RESEND_TOO_SOON':
    'A code was sent a moment ago. You can ask for another in {seconds} seconds.',
  'error.TOO_MANY_REQUESTS': 'Too many requests from your address. Try again in {seconds} seconds.',
  'error.VALIDATION_FAILED': 'Please check what you entered.',
  'error.INVALID_PASSWORD': 'That password is not right.',
  'error.LAST_METHOD_REQUIRED':
    'Two-factor authentication is mandatory for your account: keep at least one method.',
  'error.MAIL_UNAVAILABLE': 'We could not send the email. Try again in a few minutes.',
  'error.NOTHING_PENDING': 'Start the setup again.',
  'error.METHOD_NOT_ENABLED': 'That method is not available for your account.',
  'error.TWO_FACTOR_REQUIRED':
    'This setup has already signed you in. Sign in again with your method.',
  'error.UNAUTHENTICATED': 'Your session has ended. Sign in again.',
  'error.NOT_FOUND': 'This page does not exist.',
  'error.FORBIDDEN': 'You may not do this.',
  'error.CSRF': 'This form has expired. Reload the page and try again.',
  'error.PAYLOAD_TOO_LARGE': 'What you sent is too large.',
  'error.DATABASE_UNAVAILABLE': 'The service is unavailable for a moment. Try again shortly.',
  'error.INTERNAL_ERROR': 'An unexpected error happened. Try again.',
};

export type MessageKey = keyof typeof en;

const fr: Record<MessageKey, string> = {
  'lang.name': 'Français',
  'lang.switch': 'Langue',
  'lang.apply': 'Changer de langue',
  'nav.security': 'Authentification à deux facteurs',
  'nav.signOut': 'Se déconnecter',
  'nav.admin': "Panneau d'administration",
  'nav.help': 'Aide',
  'nav.skip': 'Aller au contenu',

  'signIn.title': 'Connexion',
  'signIn.email': 'Courriel',
  'signIn.password': 'Mot de passe',
  'signIn.submit': 'Se connecter',
  'signIn.help': 'Un problème pour vous connecter ?',

  'code.title': 'Authentification à deux facteurs',
  'code.totp':
    "Ouvrez votre application d'authentification et saisissez le code à 6 chiffres qu'elle affiche pour {product}.",
  'code.email': 'Nous avons envoyé un code à 6 chiffres à {hint}. Il est valable 10 minutes.',
  'code.recovery':
    "Saisissez l'un des codes de récupération conservés lors de la configuration. Chaque code ne sert qu'une fois.",
  'code.other': 'Répondez avec votre méthode : {method}.',
  'code.label': 'Code de vérification',
  'code.recoveryLabel': 'Code de récupération',
  'code.temporary':
    "Saisissez le code d'accès temporaire donné par notre équipe d'assistance. Il fonctionne une fois, pendant une heure ; vous configurerez ensuite une nouvelle méthode.",
  'code.temporaryLabel': "Code d'accès temporaire",
  'code.remember': 'Ne plus me demander sur cet appareil',
  'code.rememberHint': 'Pendant 30 jours, sur un ordinateur dont vous êtes le seul utilisateur.',
  'code.submit': 'Vérifier',
  'code.resend': "M'envoyer un autre code",
  'code.another': "Utiliser une autre méthode d'authentification",
  'code.restart': 'Recommencer',
  'code.spamHint':
    "Pas encore de courriel ? Regardez dans vos indésirables, ou patientez un peu avant d'en demander un autre.",

  'methods.title': "Utiliser une autre méthode d'authentification",
  'methods.intro': 'Choisissez comment confirmer votre identité.',
  'methods.back': 'Retour',

  'method.totp': "Application d'authentification",
  'method.email': 'Authentification par courriel',
  'method.recovery': 'Un code de récupération',
  'method.temporary': "Un code d'accès temporaire de l'assistance",
  'method.passkey': "Clé d'accès ou clé de sécurité",

  'setup.title': "Configurer l'authentification à deux facteurs",
  'setup.required':
    "Les administrateurs de votre compte exigent l'authentification à deux facteurs. Configurez au moins une méthode pour terminer la connexion.",
  'setup.choose': 'Choisissez une méthode',

  'security.title': 'Authentification à deux facteurs',
  'security.intro':
    'En plus de votre mot de passe, une seconde méthode prouve votre identité à la connexion. Vous pouvez en activer plusieurs ; nous demandons celle utilisée en dernier.',
  'security.on': 'Activée',
  'security.off': 'Désactivée',
  'security.turnOn': 'Activer : {method}',
  'security.turnOff': 'Désactiver : {method}',
  'security.mandatoryLast':
    "L'authentification à deux facteurs est obligatoire pour votre compte : cette dernière méthode ne peut pas être désactivée. Configurez d'abord une autre méthode, ou adressez-vous à un administrateur du compte.",
  'security.totpIntro':
    'Des codes générés par une application sur votre téléphone, comme Google Authenticator, Microsoft Authenticator, Duo Mobile ou Authy.',
  'security.totpNew': "Configurer une nouvelle application d'authentification",
  'security.emailIntro':
    'Des codes envoyés par courriel, à une adresse qui peut différer de celle de connexion.',
  'security.emailAddress': 'Les codes sont envoyés à {address}.',
  'security.emailPending': 'En attente du code envoyé à {address}.',
  'security.emailModify': "Modifier l'adresse courriel",
  'security.emailContinue': 'Saisir le code',
  'security.passkeysTitle': "Clés d'accès",
  'security.passkeyIntro':
    "Connectez-vous avec votre empreinte, votre visage, le verrouillage de l'écran ou une clé de sécurité, sans rien saisir. Une clé d'accès ne peut pas être hameçonnée.",
  'security.passkeysNone': "Aucune clé d'accès pour l'instant.",
  'security.passkeyAdd': "Ajouter une clé d'accès",
  'security.passkeyAdded': 'Ajoutée le {date}',
  'security.passkeyLastUsed': 'dernière utilisation le {date}',
  'security.passkeyNeverUsed': 'jamais utilisée',
  'security.passkeyRename': 'Renommer',
  'security.passkeyRemove': 'Supprimer',
  'signIn.passkey': "Se connecter avec une clé d'accès",
  'signIn.or': 'Ou, sans mot de passe :',
  'code.passkey':
    "Utilisez votre clé d'accès ou votre clé de sécurité pour {product} : votre appareil vous demande de confirmer avec votre empreinte, votre visage, le verrouillage de l'écran ou une pression sur la clé.",
  'code.passkeySubmit': "Utiliser une clé d'accès",
  'passkey.title': "Ajouter une clé d'accès",
  'passkey.intro':
    "Votre navigateur demande où garder la clé d'accès : sur cet appareil, sur votre téléphone ou sur une clé de sécurité.",
  'passkey.name': "Nom de cette clé d'accès",
  'passkey.nameHint':
    'Facultatif, par exemple « Ordinateur du bureau ». Sans nom, elle porte celui de son modèle.',
  'passkey.create': "Créer la clé d'accès",
  'passkey.failed':
    "La clé d'accès n'a pas répondu, ou n'a pas été acceptée. Réessayez, ou utilisez une autre méthode.",
  'passkey.needsScript':
    "Les clés d'accès demandent JavaScript et un navigateur qui les prend en charge. Utilisez une autre méthode, ou activez JavaScript.",
  'renamePasskey.title': "Renommer une clé d'accès",
  'renamePasskey.name': 'Nouveau nom',
  'renamePasskey.submit': 'Enregistrer le nom',
  'removePasskey.title': "Supprimer une clé d'accès",
  'removePasskey.intro':
    "{name} ne vous connectera plus. Supprimez-la aussi de l'appareil, dans ses réglages.",
  'notice.passkeyAdded': "La clé d'accès {name} a été ajoutée.",
  'notice.passkeyRenamed': "La clé d'accès s'appelle maintenant {name}.",
  'notice.passkeyRemoved': "La clé d'accès {name} a été supprimée.",
  'error.PASSKEY_REFUSED':
    "Votre clé d'accès n'a pas été acceptée. Réessayez, ou utilisez une autre méthode.",
  'error.PASSKEY_SIGN_IN':
    "Cette clé d'accès ne vous a pas connecté. Connectez-vous avec votre mot de passe, ou essayez une autre clé d'accès.",
  'security.recoveryTitle': 'Codes de récupération',
  'security.recoveryIntro':
    "Des codes à usage unique pour quand votre téléphone ou votre boîte courriel sont hors d'atteinte. Il en reste {remaining}.",
  'security.recoveryNew': 'Obtenir de nouveaux codes de récupération',
  'security.devicesTitle': 'Appareils de confiance',
  'security.devicesIntro':
    'Sur ces appareils, votre mot de passe suffit pendant 30 jours à partir de leur ajout.',
  'security.devicesNone': 'Aucun appareil de confiance.',
  'security.thisDevice': 'Cet appareil',
  'security.deviceUntil': "De confiance jusqu'au {date}",
  'security.removeDevice': 'Retirer cet appareil',
  'security.passwordTitle': 'Mot de passe',
  'security.changePassword': 'Changer le mot de passe',
  'security.sessionsTitle': 'Sessions',
  'security.signOutEverywhere': 'Se déconnecter partout',
  'security.signOutEverywhereHint':
    'Met fin à toutes les sessions et oublie tous les appareils de confiance, y compris celui-ci.',

  'prompt.password': 'Mot de passe',
  'prompt.passwordHint': 'Saisissez votre mot de passe pour confirmer votre identité.',
  'prompt.continue': 'Continuer',
  'prompt.cancel': 'Annuler',
  'prompt.yesRemove': 'Oui, retirer',

  'copy.key': 'Copier la clé',
  'copy.codes': 'Copier les codes',
  'copy.done': 'Copié',
  'copy.failed': 'Copie impossible : sélectionnez le texte et copiez-le vous-même.',

  'totp.title': "Application d'authentification",
  'totp.step1': "Ouvrez votre application d'authentification et ajoutez un compte.",
  'totp.step2': 'Scannez ce code QR avec elle.',
  'totp.qrAlt': "Code QR pour ajouter {product} à votre application d'authentification",
  'totp.manual': 'Le faire manuellement',
  'totp.manualHint':
    "Saisissez cette clé dans l'application et choisissez une clé basée sur le temps :",
  'totp.apps': 'Parmi les applications compatibles :',
  'totp.step3': "Saisissez le code à 6 chiffres que l'application affiche maintenant.",
  'totp.confirm': 'Confirmer',

  'email.title': 'Authentification par courriel',
  'email.address': 'Adresse courriel pour les codes',
  'email.addressHint': 'Elle peut différer de celle de connexion.',
  'email.send': "M'envoyer un code de vérification",
  'email.sent': 'Nous avons envoyé un code à 6 chiffres à {address}.',
  'email.confirm': 'Confirmer',

  'remove.title': 'Désactiver : {method}',
  'remove.intro': 'Cette méthode ne vous sera plus demandée à la connexion.',
  'removeDevice.title': 'Retirer cet appareil',
  'removeDevice.intro': '{device} demandera de nouveau le second facteur à la prochaine connexion.',

  'recovery.title': 'Codes de récupération',
  'recovery.intro': 'De nouveaux codes rendent les anciens inutilisables.',
  'recovery.get': 'Obtenir de nouveaux codes de récupération',
  'recovery.shownOnce':
    'Conservez ces codes en lieu sûr : ils ne sont affichés que cette fois. Chacun vous connecte une fois à la place du second facteur.',
  'recovery.download': 'Télécharger en fichier texte',
  'recovery.saved': 'Je les ai conservés',
  'recovery.print': 'Imprimer les codes',

  'password.title': 'Changer le mot de passe',
  'password.current': 'Mot de passe actuel',
  'password.new': 'Nouveau mot de passe',
  'password.newHint':
    'Au moins 8 caractères. Les autres sessions et appareils de confiance prennent fin.',
  'password.submit': 'Changer le mot de passe',

  'help.title': 'Aide à la connexion',
  'help.lostQ': "Je n'ai plus mon téléphone ni accès à mes courriels",
  'help.lostA':
    "Connectez-vous avec l'un de vos codes de récupération, par « Utiliser une autre méthode d'authentification ». Sans code, contactez l'un des administrateurs de votre compte : ils peuvent réinitialiser vos méthodes, et vous en configurerez une nouvelle à la prochaine connexion.",
  'help.switchQ': 'Comment utiliser mon autre méthode ?',
  'help.switchA':
    "À l'étape du code, choisissez « Utiliser une autre méthode d'authentification ». Par défaut, nous demandons la dernière méthode utilisée.",
  'help.lastQ': 'Pourquoi ne puis-je pas désactiver ma dernière méthode ?',
  'help.lastA':
    "Les administrateurs de votre compte ont rendu l'authentification à deux facteurs obligatoire. Configurez d'abord une autre méthode, ou adressez-vous à un administrateur.",
  'help.supportQ': "Aucun administrateur de mon compte ne peut m'aider",
  'help.supportA':
    "Contactez un membre de notre équipe d'assistance technique. Après avoir vérifié votre identité, il peut vous donner un code d'accès temporaire, valable une heure : connectez-vous avec votre mot de passe, choisissez « Utiliser une autre méthode d'authentification », saisissez le code, puis configurez une nouvelle méthode. Les administrateurs de votre compte en sont informés, et peuvent devoir l'approuver d'abord.",
  'help.back': 'Retour à la connexion',

  'notice.signedOut': 'Vous êtes déconnecté.',
  'notice.sessionEnded': 'Votre session a pris fin. Reconnectez-vous.',
  'notice.codeSent': 'Nous vous avons envoyé un autre code.',
  'notice.methodOn': '{method} : activée.',
  'notice.methodOff': '{method} : désactivée.',
  'notice.deviceRemoved': "L'appareil a été retiré de vos appareils de confiance.",
  'notice.passwordChanged':
    'Votre mot de passe a été changé. Vos autres sessions et appareils de confiance ont pris fin.',

  'error.title': 'Un problème est survenu',
  'error.back': 'Revenir au début',
  'error.INVALID_CREDENTIALS': 'Le courriel ou le mot de passe est incorrect.',
  'error.INVALID_CODE': "Ce code n'est pas le bon. Vérifiez-le et réessayez.",
  'error.CODE_ALREADY_USED': 'Ce code a déjà servi. Attendez le suivant et réessayez.',
  'error.CODE_EXPIRED': 'Ce code a expiré. Demandez-en un autre.',
  'error.CHALLENGE_EXPIRED': 'Cette connexion a expiré. Reconnectez-vous.',
  'error.LOCKED':
    "Trop de codes erronés. La vérification en deux étapes est bloquée jusqu'à {until}.",
  'error.TOO_MANY_ATTEMPTS': 'Trop de tentatives erronées. Reconnectez-vous.',
  'error.RESEND_TOO_SOON':
    "Un code vient d'être envoyé. Vous pourrez en demander un autre dans {seconds} secondes.",
  'error.TOO_MANY_REQUESTS':
    'Trop de requêtes depuis votre adresse. Réessayez dans {seconds} secondes.',
  'error.VALIDATION_FAILED': 'Vérifiez ce que vous avez saisi.',
  'error.INVALID_PASSWORD': "Ce mot de passe n'est pas le bon.",
  'error.LAST_METHOD_REQUIRED':
    "L'authentification à deux facteurs est obligatoire pour votre compte : gardez au moins une méthode.",
  'error.MAIL_UNAVAILABLE': "Le courriel n'a pas pu être envoyé. Réessayez dans quelques minutes.",
  'error.NOTHING_PENDING': 'Recommencez la configuration.',
  'error.METHOD_NOT_ENABLED': "Cette méthode n'est pas disponible pour votre compte.",
  'error.TWO_FACTOR_REQUIRED':
    'Cette configuration vous a déjà connecté. Reconnectez-vous avec votre méthode.',
  'error.UNAUTHENTICATED': 'Votre session a pris fin. Reconnectez-vous.',
  'error.NOT_FOUND': "Cette page n'existe pas.",
  'error.FORBIDDEN': "Vous n'avez pas le droit de faire ceci.",
  'error.CSRF': 'Ce formulaire a expiré. Rechargez la page et réessayez.',
  'error.PAYLOAD_TOO_LARGE': 'Ce que vous avez envoyé est trop volumineux.',
  'error.DATABASE_UNAVAILABLE': 'Le service est momentanément indisponible. Réessayez bientôt.',
  'error.INTERNAL_ERROR': "Une erreur inattendue s'est produite. Réessayez.",
};

const CATALOGUE: Record<Language, Record<MessageKey, string>> = { en, fr };

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** The text for `key` in `language`, with `{name}` filled from `params`. */
export function translate(
  language: Language,
  key: string,
  params: Record<string, unknown> = {},
): string {
  const text = isMessageKey(key) ? CATALOGUE[language][key] : key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** The language chosen on the page, else the browser's preferred one we have, else English. */
export function languageOf(request: Request, chosen: Language | undefined): Language {
  return chosen ?? acceptedLanguage(request) ?? 'en';
}

/** Dates as the reader's language writes them, in UTC so tests and servers agree. */
export function formatDate(language: Language, date: Date, withTime = false): string {
  return new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'long' } : {}),
    timeZone: 'UTC',
  }).format(date);
}
