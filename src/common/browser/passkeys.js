/*
 * Passkeys on the pages: the one script they run (script-src 'self'), after @simplewebauthn/browser's
 * bundle, which does the WebAuthn calls and the base64url conversions. A form marked
 * `data-passkey="create"` or `"get"` stays hidden unless this runs in a browser that has WebAuthn;
 * on submit it asks the authenticator, puts its answer (JSON) in the form's `response` field and
 * posts the form as usual, CSRF token included. The options come from `data-passkey-options`
 * (bound to this sign-in or setup by the server), or are asked from `data-passkey-options-url`
 * (passwordless sign-in, whose options are made only when someone asks). Nothing is stored.
 */
(function () {
  'use strict';
  const webauthn = window.SimpleWebAuthnBrowser;
  if (!webauthn || !webauthn.browserSupportsWebAuthn()) return;

  for (const element of document.querySelectorAll('[data-passkey-only]')) element.hidden = false;
  for (const element of document.querySelectorAll('[data-passkey-fallback]')) {
    element.hidden = true;
  }

  async function optionsOf(form) {
    if (form.dataset.passkeyOptions) return JSON.parse(form.dataset.passkeyOptions);
    const answer = await fetch(form.dataset.passkeyOptionsUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (!answer.ok) throw new Error(`options: ${answer.status}`);
    return (await answer.json()).options;
  }

  function showError(form) {
    const status = document.getElementById(form.dataset.passkeyStatus);
    if (!status) return;
    status.textContent = form.dataset.passkeyError;
    status.hidden = false;
    status.focus();
  }

  for (const form of document.querySelectorAll('form[data-passkey]')) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      try {
        const optionsJSON = await optionsOf(form);
        const response =
          form.dataset.passkey === 'create'
            ? await webauthn.startRegistration({ optionsJSON })
            : await webauthn.startAuthentication({ optionsJSON });
        form.elements.namedItem('response').value = JSON.stringify(response);
        // submit() fires no submit event: the form goes to the server as a plain POST.
        form.submit();
      } catch {
        // Cancelled, timed out, or no matching passkey on this device: the page says so.
        button.disabled = false;
        showError(form);
      }
    });
  }
})();
