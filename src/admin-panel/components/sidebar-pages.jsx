import React from 'react';
import { Navigation } from '@adminjs/design-system';
import { ViewHelpers, useCurrentAdmin, useTranslation } from 'adminjs';
import { useLocation, useNavigate } from 'react-router';

const h = new ViewHelpers();
const SUPPORT_DESK = 'support-desk';

/**
 * AdminJS's page list, showing each person the pages they may open: the Support desk to platform
 * staff only, the other pages to an account's administrators only. The pages' handlers refuse
 * anyone else all the same; this only keeps the menu honest.
 */
const SidebarPages = ({ pages }) => {
  const { translateLabel, translatePage } = useTranslation();
  const [currentAdmin] = useCurrentAdmin();
  const location = useLocation();
  const navigate = useNavigate();
  const mayOpen = (page) =>
    page.name === SUPPORT_DESK ? !!currentAdmin?.platformRole : currentAdmin?.role === 'admin';
  const shown = (pages ?? []).filter(mayOpen);
  if (!shown.length) return null;
  const elements = shown.map((page) => ({
    id: page.name,
    label: translatePage(page.name),
    isSelected: !!location.pathname.match(`/pages/${page.name}`),
    icon: page.icon,
    href: h.pageUrl(page.name),
    onClick: (event, element) => {
      event.preventDefault();
      if (element.href) navigate(element.href);
    },
  }));
  return <Navigation label={translateLabel('pages')} elements={elements} />;
};

export default SidebarPages;
