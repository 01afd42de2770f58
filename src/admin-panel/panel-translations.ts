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
    'support-requests': {
      properties: {
        when: 'Asked',
        name: 'User',
        email: 'User (email)',
        action: 'Action',
        status: 'State',
        support: 'Asked by (platform support)',
        ticket: 'Support ticket',
        expires: 'Expires',
        decidedBy: 'Decided by',
        decided: 'Decided',
        done: 'Carried out',
      },
      actions: { approve: 'Approve', refuse: 'Refuse' },
      buttons: { approveConfirm: 'Yes, approve', refuseConfirm: 'Yes, refuse' },
      // {{action}} is what support asked to do, {{name}} and {{email}} whom it is about.
      messages: {
        approveConfirm:
          'Approve platform support’s request ({{action}}) about {{name}} ({{email}})? Support may ' +
          'then carry it out until it expires; the user and the administrators are emailed.',
        refuseConfirm:
          'Refuse platform support’s request ({{action}}) about {{name}} ({{email}})? Support cannot ' +
          'carry it out; the user and the administrators are emailed.',
      },
    },
  },
  labels: {
    users: 'Users',
    'audit-events': 'Audit events',
    'support-requests': 'Support requests',
  },
  pages: { 'two-factor-policy': 'Two-factor policy', 'support-desk': 'Support desk' },
};
