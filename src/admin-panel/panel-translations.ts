/** The panel's words, in AdminJS's translation format (per resource). */
export const panelTranslations = {
  resources: {
    users: {
      properties: {
        twoFactor: '2FA',
        twoFactorStatus: '2FA',
        status: 'Status',
        lastSignIn: 'Last sign-in',
        created: 'Created',
      },
      actions: { resetTwoFactor: 'Reset 2FA', disable: 'Disable', enable: 'Enable' },
      buttons: {
        resetTwoFactorConfirm: 'Yes, reset',
        disableConfirm: 'Yes, disable',
        enableConfirm: 'Yes, enable',
      },
      // {{name}} and {{email}} name the user the action is about.
      messages: {
        resetTwoFactorConfirm:
          'Reset two-factor authentication for {{name}} ({{email}})? Their methods, trusted devices and ' +
          'recovery codes are removed and they are signed out everywhere; they will be emailed.',
        disableConfirm:
          'Disable {{name}} ({{email}})? They are signed out everywhere at once and cannot sign in ' +
          'until they are enabled again; their methods and data stay.',
        enableConfirm: 'Enable {{name}} ({{email}}) again? They may sign in from then on.',
      },
    },
    'audit-events': {
      properties: {
        when: 'When',
        user: 'User',
        userEmail: 'User (email)',
        actor: 'Actor',
        reason: 'Reason (platform support)',
        ticket: 'Support ticket',
        ip: 'IP address',
        userAgent: 'Browser or client',
      },
    },
  },
  labels: {
    users: 'Users',
    'audit-events': 'Audit events',
  },
  pages: { 'two-factor-policy': 'Two-factor policy' },
};
