import React, { useEffect, useRef } from 'react';

/**
 * AdminJS's filter drawer (a dialog) closes with an icon-only button and labels its fields with
 * <label>s that name no input, so a screen reader announces "button" and unnamed fields. This
 * keeps AdminJS's drawer and gives those a name: the button "Close the filters", each field its
 * label's text (also when AdminJS redraws it).
 */
const NamedFilterDrawer = ({ OriginalComponent, ...props }) => {
  const root = useRef(null);
  useEffect(() => {
    const name = () => {
      for (const button of root.current.querySelectorAll('button')) {
        if (!button.textContent.trim() && !button.hasAttribute('aria-label')) {
          button.setAttribute('aria-label', 'Close the filters');
        }
      }
      for (const input of root.current.querySelectorAll('input:not([type=hidden])')) {
        const label = input.closest('[data-testid^="property-filter-"]')?.querySelector('label');
        if (label && !input.hasAttribute('aria-label')) {
          input.setAttribute('aria-label', label.textContent.trim());
        }
      }
    };
    name();
    const observer = new MutationObserver(name);
    observer.observe(root.current, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={root} style={{ display: 'contents' }}>
      <OriginalComponent {...props} />
    </div>
  );
};

export default NamedFilterDrawer;
