import React, { useState } from 'react';
import { Box, Button, MessageBox } from '@adminjs/design-system';
import {
  ApiClient,
  ViewHelpers,
  useActionResponseHandler,
  useNotice,
  useTranslation,
} from 'adminjs';

const api = new ApiClient();
const h = new ViewHelpers();

/**
 * The page of a record action that changes something (A6). AdminJS calls actions without a
 * component with GET; this page only reads the record when it opens (a GET changes nothing) and
 * acts when the button is pressed, with a POST that carries the panel's Origin. The message and
 * the button name the record ({{name}}, {{email}}, and {{action}} where it has one), so nobody acts on the wrong user.
 */
const ConfirmRecordAction = ({ action, resource, record }) => {
  const { translateMessage, translateButton } = useTranslation();
  const onResponse = useActionResponseHandler();
  const addNotice = useNotice();
  const [sending, setSending] = useState(false);
  const key = action.custom.confirmation;
  const names = {
    name: record.params.name ?? record.title,
    email: record.params.email ?? '',
    // What is asked of the record, where its resource has such a field (a support request's).
    action: record.params.action ?? '',
    // React escapes what it renders; escaping here too would show entities.
    interpolation: { escapeValue: false },
  };
  const message = translateMessage(key, resource.id, names);
  const button = translateButton(key, resource.id);

  const confirm = () => {
    setSending(true);
    api
      .recordAction({
        resourceId: resource.id,
        recordId: record.id,
        actionName: action.name,
        data: {},
      })
      .then(onResponse)
      .catch((error) =>
        addNotice({ message: error.response?.data?.message ?? error.message, type: 'error' }),
      )
      .finally(() => setSending(false));
  };

  return (
    <Box variant="container">
      <MessageBox mb="xl" variant="warning" message={message} />
      <Button
        type="button"
        variant="contained"
        color={action.variant === 'danger' ? 'danger' : 'primary'}
        disabled={sending}
        aria-label={`${button}: ${names.name} (${names.email})`}
        onClick={confirm}
      >
        {button}
      </Button>
      <Button
        as="a"
        ml="default"
        variant="outlined"
        href={h.recordActionUrl({
          resourceId: resource.id,
          recordId: record.id,
          actionName: 'show',
        })}
      >
        Cancel
      </Button>
    </Box>
  );
};

export default ConfirmRecordAction;
