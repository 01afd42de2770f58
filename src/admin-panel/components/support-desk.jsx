import React, { useEffect, useState } from 'react';
import { Box, Button, H2, H3, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient, useNotice } from 'adminjs';
import { startAuthentication } from '@simplewebauthn/browser';

const api = new ApiClient();
const PAGE = 'support-desk';

const ACTIONS = [
  { value: 'temporary_code', label: 'Issue a temporary access code' },
  { value: 'reset', label: 'Reset two-factor authentication' },
  { value: 'end_sessions', label: 'End all sessions' },
];

/**
 * The authenticator app's code and a recovery code are taken as they are (CODE_ALONE); other
 * methods need a step-up started first.
 */
const APP = 'totp';
const RECOVERY = 'recovery';
const CODE_ALONE = [APP, RECOVERY];
const PASSKEY = 'passkey';
const CODE_LABELS = {
  [APP]: 'A current code of your authenticator app',
  [RECOVERY]: 'One of your recovery codes (each works once)',
};

const sendStepUp = (method) =>
  api
    .getPage({ pageName: PAGE, method: 'post', data: { operation: 'step_up', method } })
    .then((response) => response.data.stepUp);

/**
 * What a form's second factor adds to its POST: the app's or a recovery code alone; or, for a
 * passkey, the browser's answer to a step-up started now; or the code sent for the step-up
 * started before.
 */
const secondFactorFields = async (factor) => {
  if (factor.method === PASSKEY) {
    const started = await sendStepUp(PASSKEY);
    const response = await startAuthentication({ optionsJSON: started.options });
    return { stepUpId: started.stepUpId, response: JSON.stringify(response) };
  }
  if (CODE_ALONE.includes(factor.method)) return { method: factor.method, code: factor.code ?? '' };
  return { stepUpId: factor.stepUp?.stepUpId, code: factor.code ?? '' };
};

/**
 * The second factor given again with every call of the desk (H2), with any of the staff
 * member's methods, the first (strongest) chosen to begin with.
 */
const SecondFactor = ({ prefix, methods, factor, onChange, addNotice }) => {
  const method = factor.method ?? methods[0]?.method;
  const choose = (event) => onChange({ method: event.target.value });
  const send = () =>
    sendStepUp(method)
      .then((stepUp) => onChange({ method, stepUp, code: '' }))
      .catch((failure) =>
        addNotice({ message: failure.response?.data?.message ?? failure.message, type: 'error' }),
      );
  return (
    <Box mb="default">
      {methods.length > 1 && (
        <Box mb="default">
          <Label htmlFor={`${prefix}-method`}>Second factor</Label>
          <select id={`${prefix}-method`} value={method} onChange={choose}>
            {methods.map((entry) => (
              <option key={entry.method} value={entry.method}>
                {entry.name}
              </option>
            ))}
          </select>
        </Box>
      )}
      {method === PASSKEY && <Text>Your passkey is asked for when you confirm.</Text>}
      {method !== PASSKEY && !CODE_ALONE.includes(method) && (
        <Button type="button" variant="outlined" mb="default" onClick={send}>
          {factor.stepUp ? 'Send me another code' : 'Send me a verification code'}
        </Button>
      )}
      {(CODE_ALONE.includes(method) || factor.stepUp) && (
        <Box>
          <Label htmlFor={`${prefix}-code`}>
            {CODE_LABELS[method] ??
              `The verification code${factor.stepUp.hint ? ` sent to ${factor.stepUp.hint}` : ''}`}
          </Label>
          <Input
            id={`${prefix}-code`}
            name="code"
            width={1}
            autoComplete={method === RECOVERY ? 'off' : 'one-time-code'}
            value={factor.code ?? ''}
            onChange={(event) => onChange({ ...factor, method, code: event.target.value })}
          />
        </Box>
      )}
    </Box>
  );
};

/** Reason and ticket: what every call of the desk carries beside the second factor (H2). */
const Because = ({ prefix, values, onChange }) => (
  <Box>
    {[
      ['reason', 'Reason (at least 10 characters; the user and their administrators read it)'],
      ['ticket', 'Support ticket (e.g. SUP-1234)'],
    ].map(([name, label]) => (
      <Box mb="default" key={name}>
        <Label htmlFor={`${prefix}-${name}`}>{label}</Label>
        <Input
          id={`${prefix}-${name}`}
          name={name}
          width={1}
          autoComplete="off"
          value={values[name] ?? ''}
          onChange={(event) => onChange({ ...values, [name]: event.target.value })}
        />
      </Box>
    ))}
  </Box>
);

/**
 * Platform staff's desk (H1–H4): find a user by exact email, see what the API's lookup shows,
 * and act on them; every call is a POST with a reason, a ticket and a second factor given again
 * (the step-up is checked on the server). A temporary code is shown once, here, and is gone when
 * the page is left.
 */
const SupportDesk = () => {
  const [trail, setTrail] = useState(null);
  const [methods, setMethods] = useState([]);
  const [error, setError] = useState(null);
  const [lookup, setLookup] = useState({});
  const [lookupFactor, setLookupFactor] = useState({});
  const [found, setFound] = useState(null);
  const [action, setAction] = useState(null);
  const [act, setAct] = useState({});
  const [actFactor, setActFactor] = useState({});
  const [result, setResult] = useState(null);
  const [sending, setSending] = useState(false);
  const [carrying, setCarrying] = useState(null);
  const [carryFactor, setCarryFactor] = useState({});
  const addNotice = useNotice();

  useEffect(() => {
    api
      .getPage({ pageName: PAGE })
      .then((response) => {
        setTrail(response.data.trail);
        setMethods(response.data.methods);
      })
      .catch((failure) => setError(failure.response?.data?.message ?? failure.message));
  }, []);

  /** Sends a form with its second factor, which is then spent: the form asks for a new one. */
  const post = (data, factor, setFactor, then) => {
    const method = factor.method ?? methods[0]?.method;
    setSending(true);
    secondFactorFields({ ...factor, method })
      .then((fields) =>
        api.getPage({ pageName: PAGE, method: 'post', data: { ...data, ...fields } }),
      )
      .then((response) => {
        setFactor({ method });
        setTrail(response.data.trail);
        then(response.data);
        if (response.data.notice) addNotice(response.data.notice);
      })
      .catch((failure) =>
        addNotice({ message: failure.response?.data?.message ?? failure.message, type: 'error' }),
      )
      .finally(() => setSending(false));
  };

  const secondFactor = (prefix, factor, setFactor) => (
    <SecondFactor
      prefix={prefix}
      methods={methods}
      factor={factor}
      onChange={setFactor}
      addNotice={addNotice}
    />
  );

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
          post({ operation: 'lookup', ...lookup }, lookupFactor, setLookupFactor, (data) =>
            setFound(data.found),
          );
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
        {secondFactor('lookup', lookupFactor, setLookupFactor)}
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
                post(
                  { operation: action, userId: found.id, ...act },
                  actFactor,
                  setActFactor,
                  (data) => {
                    setResult(data.result);
                    setAction(null);
                  },
                );
              }}
            >
              <MessageBox
                my="lg"
                variant="warning"
                message={`${chosen.label} for ${found.name} (${found.maskedEmail})? The user and their account’s administrators are emailed.`}
              />
              <Because prefix="act" values={act} onChange={setAct} />
              {secondFactor('act', actFactor, setActFactor)}
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

      {carrying && (
        <form
          data-testid="support-desk-carry-out"
          onSubmit={(event) => {
            event.preventDefault();
            post(
              { operation: 'carry_out', requestId: carrying.id },
              carryFactor,
              setCarryFactor,
              (data) => {
                setResult(data.result);
                setCarrying(null);
              },
            );
          }}
        >
          <MessageBox
            my="lg"
            variant="warning"
            message={`Carry out the approved ${carrying.action} (ticket ${carrying.ticket})? The user and their account’s administrators are emailed.`}
          />
          {secondFactor('carry', carryFactor, setCarryFactor)}
          <Button type="submit" variant="contained" color="danger" disabled={sending}>
            Yes: carry it out
          </Button>
        </form>
      )}

      <H3 mt="xl">Platform trail (latest 50)</H3>
      <table data-testid="support-desk-trail">
        <thead>
          <tr>
            {['When', 'Action', 'State', 'By', 'Ticket', 'Reason', 'To do'].map((title) => (
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
              <td>
                {row.mayCarryOut && (
                  <Button
                    type="button"
                    size="sm"
                    variant="outlined"
                    onClick={() => {
                      setResult(null);
                      setCarrying(row);
                    }}
                  >
                    Carry out
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Box>
  );
};

export default SupportDesk;
