import React, { useEffect, useState } from 'react';
import { Box, Button, H2, Label, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient, useNotice } from 'adminjs';

const api = new ApiClient();
const PAGE = 'two-factor-policy';

/**
 * The 2FA policy as one switch with the help page's sentence. Turning it asks for confirmation
 * (saying how many users it sends to setup); only the confirmation POSTs (A6). The words come
 * from the page's handler, so they have one source.
 */
const PolicyPage = () => {
  const [state, setState] = useState(null);
  const [pending, setPending] = useState(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState(null);
  const addNotice = useNotice();

  useEffect(() => {
    api
      .getPage({ pageName: PAGE })
      .then((response) => setState(response.data))
      .catch((failure) => setError(failure.response?.data?.message ?? failure.message));
  }, []);

  if (error) return <MessageBox m="xl" variant="danger" message={error} />;
  if (!state) return <Box p="xl">Loading…</Box>;

  const { policy, text } = state;
  const confirm = () => {
    setSending(true);
    api
      .getPage({ pageName: PAGE, method: 'post', data: { twoFactorRequired: pending } })
      .then((response) => {
        setState(response.data);
        setPending(null);
        if (response.data.notice) addNotice(response.data.notice);
      })
      .catch((failure) =>
        addNotice({ message: failure.response?.data?.message ?? failure.message, type: 'error' }),
      )
      .finally(() => setSending(false));
  };
  const setUp =
    policy.withoutMethod === 1
      ? '1 user has no method and will be asked to set one up at their next sign-in.'
      : `${policy.withoutMethod} users have no method and will be asked to set one up at their next sign-in.`;

  return (
    <Box variant="container" m="xl" data-testid="policy-page">
      <H2>Two-factor authentication</H2>
      <Box flex flexDirection="row" alignItems="center" my="xl">
        <input
          id="two-factor-required"
          type="checkbox"
          role="switch"
          checked={pending ?? policy.twoFactorRequired}
          aria-checked={pending ?? policy.twoFactorRequired}
          disabled={pending !== null || sending}
          onChange={(event) => setPending(event.target.checked)}
          style={{ width: 20, height: 20, marginRight: 12 }}
        />
        <Label htmlFor="two-factor-required" mb="0">
          {text.label}
        </Label>
      </Box>
      <Text mb="default">{text.on}</Text>
      <Text mb="default" data-testid="policy-state">
        {policy.twoFactorRequired
          ? 'This account makes it mandatory.'
          : 'This account leaves it optional.'}{' '}
        {policy.mandatoryFrom
          ? `The platform makes it mandatory for every account from ${policy.mandatoryFrom.slice(0, 10)} (UTC)${policy.enforced && !policy.twoFactorRequired ? '; that date has passed' : ''}.`
          : 'The platform sets no date from which it is mandatory.'}
      </Text>
      <Text mb="xl" data-testid="policy-setup-count">
        {setUp}
      </Text>
      {pending !== null && (
        <Box
          data-testid="policy-confirmation"
          role="alertdialog"
          aria-label="Confirm the policy change"
        >
          <MessageBox
            mb="lg"
            variant={pending ? 'warning' : 'info'}
            message={pending ? `${text.label}? ${setUp}` : text.off}
          />
          <Button
            type="button"
            variant="contained"
            color={pending ? 'danger' : 'primary'}
            mr="default"
            disabled={sending}
            onClick={confirm}
          >
            {pending ? 'Yes, make 2FA mandatory' : 'Yes, make 2FA optional'}
          </Button>
          <Button
            type="button"
            variant="outlined"
            disabled={sending}
            onClick={() => setPending(null)}
          >
            Cancel
          </Button>
        </Box>
      )}
    </Box>
  );
};

export default PolicyPage;
