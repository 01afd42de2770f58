// The pages' one script (CSP: script-src 'self'). Progressive enhancement only: the buttons it
// brings to life are `hidden` in the HTML, so a page without JavaScript shows none of them.
'use strict';

document.addEventListener('DOMContentLoaded', () => {
  const status = document.getElementById('copy-status');

  /** The text a copy button names: a key without its spaces, or each code on its own line. */
  function textOf(button) {
    const target = document.getElementById(button.dataset.copy);
    if (!target) return '';
    const items = target.querySelectorAll('code');
    if (items.length > 0) return Array.from(items, (item) => item.textContent.trim()).join('\n');
    return target.textContent.replace(/\s+/g, '');
  }

  if (navigator.clipboard && status) {
    for (const button of document.querySelectorAll('button[data-copy]')) {
      button.hidden = false;
      button.addEventListener('click', async () => {
        // Emptied first, so the same message said twice is announced twice (aria-live).
        status.textContent = '';
        try {
          await navigator.clipboard.writeText(textOf(button));
          status.textContent = status.dataset.copied;
        } catch {
          status.textContent = status.dataset.failed;
        }
      });
    }
  }

  for (const button of document.querySelectorAll('button[data-print]')) {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  }
});
