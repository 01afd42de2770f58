import React, { useEffect, useState } from 'react';
import { Box, Button, H2, H3, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient, useNotice } from 'adminjs';

const api = new ApiClient();
const PAGE = 'support-desk';

const ACTIONS = [
  { value: 'temporary_code', label: 'Issue a temporary access code' },
  { value: 'reset', label: 'Reset two-factor authentication' },
  { value: 'end_sessions', label: 'End all sessions' },
];

/** Reason, ticket and a fresh authenticator code: what every call of the desk carries (H2). */
const Because = ({ prefix, values, onChange }) => (
  <Box>
    {[
      ['reason', 'Reason (at least 10 characters; the user and their administrators read it)'],
      ['ticket', 'Support ticket (e.g. SUP-1234)'],
      ['code', 'A current code of your authenticator app'],
    ].map(([name, label]) => (
      <Box mb="default" key={name}>
        <Label htmlFor={`${prefix}-${name}`}>{label}</Label>
        <Input
          id={`${prefix}-${name}`}
          name={name}
          width={1}
          autoComplete={name === 'code' ? 'one-time-code' : 'off'}
          value={values[name] ?? ''}
          onChange={(event) => onChange({ ...values, [name]: event.target.value })}
        />
      </Box>
    ))}
  </Box>
);

/**
 * Platform staff's desk (H1–H4): find a user by exact email, see what the API's lookup shows,
 * and act on them; every call is a POST with a reason, a ticket and a fresh code (the step-up is
 * done on the server). A temporary code is shown once, here, and is gone when the page is left.
 */
const SupportDesk = () => {
  const [trail, setTrail] = useState(null);
  const [error, setError] = useState(null);
  const [lookup, setLookup] = useState({});
  const [found, setFound] = useState(null);
  const [action, setAction] = useState(null);
  const [act, setAct] = useState({});
  const [result, setResult] = useState(null);
  const [sending, setSending] = useState(false);
  const addNotice = useNotice();

  useEffect(() => {
    api
      .getPage({ pageName: PAGE })
      .then((response) => setTrail(response.data.trail))
      .catch((failure) => setError(failure.response?.data?.message ?? failure.message));
  }, []);

  const post = (data, then) => {
    setSending(true);
    api
      .getPage({ pageName: PAGE, method: 'post', data })
      .then((response) => {
        setTrail(response.data.trail);
        then(response.data);
        if (response.data.notice) addNotice(response.data.notice);
      })
      .catch((failure) =>
        addNotice({ message: failure.response?.data?.message ?? failure.message, type: 'error' }),
      )
      .finally(() => setSending(false));
  };

  if (error) return <MessageBox m="xl" variant="danger" message={error} />;
  if (!trail) return <Box p="xl">Loading…</Box>;
  const chosen = ACTIONS.find((entry) => entry.value === action);

  return (
    <Box variant="container" m="xl" data-testid="support-desk">
      <H2>Support desk</H2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setResult(null);
          post({ operation: 'lookup', ...lookup }, (data) => {
            setFound(data.found);
            setLookup({ ...lookup, code: '' });
          });
        }}
      >
        <H3>Find a user</H3>
        <Box mb="default">
          <Label htmlFor="lookup-email">The user’s exact sign-in email</Label>
          <Input
            id="lookup-email"
            name="email"
            type="email"
            width={1}
            value={lookup.email ?? ''}
            onChange={(event) => setLookup({ ...lookup, email: event.target.value })}
          />
        </Box>
        <Because prefix="lookup" values={lookup} onChange={setLookup} />
        <Button type="submit" variant="contained" disabled={sending}>
          Look up
        </Button>
      </form>

      {found && (
        <Box my="xl" data-testid="support-desk-status">
          <H3>
            {found.name} ({found.maskedEmail}), {found.accountName}
          </H3>
          <Text>
            Role: {found.role}
            {found.platformStaff ? ', platform staff' : ''}. Methods:{' '}
            {found.methods.length ? found.methods.join(', ') : 'none'}; recovery codes left:{' '}
            {found.recoveryCodesRemaining}; trusted devices: {found.trustedDevices}; 2FA{' '}
            {found.twoFactorMandatory ? 'mandatory' : 'optional'};{' '}
            {found.locked ? `locked until ${found.lockedUntil}` : 'not locked'}; last sign-in:{' '}
            {found.lastSignInAt ?? 'never'}.
            {found.approvalRequired ? ' Its account asks an administrator to approve actions.' : ''}
          </Text>
          {!found.actionable && (
            <MessageBox mt="default" variant="info" message="Your role may not act on this user." />
          )}
          {found.actionable && (
            <Box mt="lg">
              {ACTIONS.map((entry) => (
                <Button
                  key={entry.value}
                  type="button"
                  variant={action === entry.value ? 'contained' : 'outlined'}
                  mr="default"
                  onClick={() => setAction(entry.value)}
                >
                  {entry.label}
                </Button>
              ))}
            </Box>
          )}
          {found.actionable && chosen && (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                post({ operation: action, userId: found.id, ...act }, (data) => {
                  setResult(data.result);
                  setAct({ ...act, code: '' });
                  setAction(null);
                });
              }}
            >
              <MessageBox
                my="lg"
                variant="warning"
                message={`${chosen.label} for ${found.name} (${found.maskedEmail})? The user and their account’s administrators are emailed.`}
              />
              <Because prefix="act" values={act} onChange={setAct} />
              <Button type="submit" variant="contained" color="danger" disabled={sending}>
                Yes: {chosen.label.toLowerCase()}
              </Button>
            </form>
          )}
        </Box>
      )}

      {result?.temporaryCode && (
        <Box my="xl" data-testid="support-desk-code" role="status">
          <MessageBox
            variant="success"
            message={`Temporary access code, shown once: ${result.temporaryCode} (valid until ${result.expiresAt}). Give it to the user by the channel your ticket names.`}
          />
        </Box>
      )}

      <H3 mt="xl">Platform trail (latest 50)</H3>
      <table data-testid="support-desk-trail">
        <thead>
          <tr>
            {['When', 'Action', 'State', 'By', 'Ticket', 'Reason'].map((title) => (
              <th key={title} style={{ textAlign: 'left', paddingRight: 16 }}>
                {title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {trail.map((row) => (
            <tr key={row.id}>
              <td>{row.createdAt}</td>
              <td>{row.action}</td>
              <td>{row.status}</td>
              <td>{row.supportEmail}</td>
              <td>{row.ticket}</td>
              <td>{row.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Box>
  );
};

export default SupportDesk;
