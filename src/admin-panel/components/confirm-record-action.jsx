import React, { useState } from 'react';
import { Box, Button, MessageBox } from '@adminjs/design-system';
import { ApiClient, useActionResponseHandler, useNotice, useTranslation } from 'adminjs';

const api = new ApiClient();

/**
 * The page of a record action that changes something (A6). AdminJS calls actions without a
 * component with GET; this page only reads the record when it opens (a GET changes nothing) and
 * acts when the button is pressed, with a POST that carries the panel's Origin.
 */
const ConfirmRecordAction = ({ action, resource, record }) => {
  const { translateMessage, translateButton } = useTranslation();
  const onResponse = useActionResponseHandler();
  const addNotice = useNotice();
  const [sending, setSending] = useState(false);

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
      <MessageBox
        mb="xl"
        variant="warning"
        message={translateMessage(action.custom.confirmation, resource.id)}
      />
      <Button variant="contained" color="danger" disabled={sending} onClick={confirm}>
        {translateButton('confirm', resource.id)}
      </Button>
    </Box>
  );
};

export default ConfirmRecordAction;
