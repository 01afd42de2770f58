import { POLICY_OFF_TEXT, POLICY_ON_TEXT } from './panel-resources';

/** The panel's words, in AdminJS's translation format (per resource). */
export const panelTranslations = {
  resources: {
    users: {
      properties: {
        twoFactor: '2FA',
        twoFactorStatus: '2FA',
        active: 'Enabled',
        createdAt: 'Created',
      },
      actions: { resetTwoFactor: 'Reset 2FA' },
      buttons: { confirm: 'Yes, reset' },
      messages: {
        resetTwoFactorConfirm:
          'Reset two-factor authentication for this user? Their methods, trusted devices and ' +
          'recovery codes are removed and they are signed out everywhere; they will be emailed.',
      },
    },
    'audit-events': {
      properties: { createdAt: 'When', userId: 'User', actorId: 'Actor', ip: 'IP address' },
    },
    'two-factor-policy': {
      properties: {
        twoFactorRequired: 'Two-factor authentication mandatory',
        enforced: 'Enforced now (this setting or the platform date)',
      },
      actions: { activate: 'Make 2FA mandatory', deactivate: 'Make 2FA optional' },
      buttons: { confirm: 'Confirm' },
      messages: { activateConfirm: POLICY_ON_TEXT, deactivateConfirm: POLICY_OFF_TEXT },
    },
  },
  labels: {
    users: 'Users',
    'audit-events': 'Audit events',
    'two-factor-policy': 'Two-factor policy',
  },
};
