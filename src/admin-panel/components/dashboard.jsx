import React, { useEffect, useState } from 'react';
import { Box, H2, H3, Link, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient, ViewHelpers } from 'adminjs';

const api = new ApiClient();
const h = new ViewHelpers();

const BAR = '#3040d6';
const LOCKOUT = '#c2410c';
const RESET = '#3040d6';
const GRID = {
  display: 'grid',
  gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))',
  gap: '24px',
};

/** Horizontal bars, one per method and one for "no method"; the numbers are written beside them. */
const MethodsChart = ({ rows, total }) => {
  const width = 360;
  const row = 28;
  const scale = (value) => (total ? (value / total) * (width - 160) : 0);
  const summary = rows.map((entry) => `${entry.name}: ${entry.users}`).join(', ');
  return (
    <svg
      role="img"
      aria-label={`Users by second-factor method: ${summary}`}
      width={width}
      height={rows.length * row}
      data-testid="methods-chart"
    >
      {rows.map((entry, index) => (
        <g key={entry.name} transform={`translate(0, ${index * row})`}>
          <text x="0" y="18" fontSize="13" fill="#454655">
            {entry.name}
          </text>
          <rect x="120" y="6" height="16" width={scale(entry.users)} fill={entry.color ?? BAR} />
          <text x={126 + scale(entry.users)} y="18" fontSize="13" fill="#454655">
            {entry.users}
          </text>
        </g>
      ))}
    </svg>
  );
};

/** A column per day for the last 30 days: lockouts and admin resets side by side. */
const DaysChart = ({ days, lockouts, resets }) => {
  const height = 120;
  const slot = 18;
  const most = Math.max(1, ...days.flatMap((day) => [day.lockouts, day.resets]));
  const column = (x, value, fill) => {
    const size = (value / most) * (height - 20);
    return <rect x={x} y={height - size} width="6" height={size} fill={fill} />;
  };
  return (
    <svg
      role="img"
      aria-label={`Over the last ${days.length} days: ${lockouts} lockouts and ${resets} admin resets`}
      width={days.length * slot}
      height={height + 16}
      data-testid="days-chart"
    >
      {days.map((day, index) => (
        <g key={day.day} transform={`translate(${index * slot}, 0)`}>
          <title>{`${day.day}: ${day.lockouts} lockouts, ${day.resets} resets`}</title>
          {column(2, day.lockouts, LOCKOUT)}
          {column(9, day.resets, RESET)}
        </g>
      ))}
      <line x1="0" x2={days.length * slot} y1={height} y2={height} stroke="#c0c0ca" />
      <text x="0" y={height + 14} fontSize="11" fill="#454655">
        {days[0]?.day}
      </text>
      <text x={days.length * slot} y={height + 14} fontSize="11" fill="#454655" textAnchor="end">
        {days[days.length - 1]?.day}
      </text>
    </svg>
  );
};

const Card = ({ title, children, testId }) => (
  <Box variant="container" data-testid={testId}>
    <H3>{title}</H3>
    {children}
  </Box>
);

/**
 * The panel's home: what an administrator needs to decide on making 2FA mandatory. Everything
 * comes from the dashboard handler (the signed-in administrator's account only).
 */
const Dashboard = () => {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api
      .getDashboard()
      .then((response) => setData(response.data))
      .catch((failure) => setError(failure.response?.data?.message ?? failure.message));
  }, []);

  if (error) return <MessageBox m="xl" variant="danger" message={error} />;
  if (!data) return <Box p="xl">Loading…</Box>;
  if (data.supportDeskOnly) {
    return (
      <Box variant="container" m="xl" data-testid="support-desk-home">
        <H2>Platform support</H2>
        <Text>
          You are platform support staff and administer no account here: use the{' '}
          <Link href={h.pageUrl('support-desk')}>Support desk</Link>.
        </Text>
      </Box>
    );
  }

  const withMethod = data.users - data.policy.withoutMethod;
  const rows = [
    ...data.byMethod.map((entry) => ({ name: entry.name, users: entry.users })),
    { name: 'No method', users: data.policy.withoutMethod, color: LOCKOUT },
  ];
  const lockouts = data.days.reduce((sum, day) => sum + day.lockouts, 0);
  const resets = data.days.reduce((sum, day) => sum + day.resets, 0);
  const policy = data.policy;
  return (
    <Box p="xl" data-testid="dashboard">
      <H2>Two-factor authentication</H2>
      <Box style={GRID}>
        <Card title="Policy" testId="dashboard-policy">
          <Text>
            {policy.enforced
              ? 'Two-factor authentication is mandatory for this account'
              : 'Two-factor authentication is optional for this account'}
            {policy.enforced && !policy.twoFactorRequired ? ' (from the platform date)' : ''}.
          </Text>
          <Text mt="default">
            {policy.mandatoryFrom
              ? `The platform makes it mandatory for every account from ${policy.mandatoryFrom.slice(0, 10)} (UTC).`
              : 'The platform sets no date from which it is mandatory.'}
          </Text>
          <Text mt="default">
            <Link href="/admin/pages/two-factor-policy">Change the policy</Link>
          </Text>
        </Card>
        <Card title="Users with a second factor" testId="dashboard-methods">
          <Text mb="default">
            {withMethod} of {data.users} users who can sign in have at least one method.
          </Text>
          <MethodsChart rows={rows} total={data.users} />
        </Card>
        <Card title="If 2FA became mandatory" testId="dashboard-forced">
          <Text>
            {policy.withoutMethod === 1
              ? '1 user would have to set up a method at their next sign-in.'
              : `${policy.withoutMethod} users would have to set up a method at their next sign-in.`}
          </Text>
        </Card>
        <Card title="Lockouts and admin resets, last 30 days" testId="dashboard-days">
          <Text mb="default">
            <span style={{ color: LOCKOUT }}>■</span> {lockouts} lockouts{' '}
            <span style={{ color: RESET }}>■</span> {resets} admin resets
          </Text>
          <DaysChart days={data.days} lockouts={lockouts} resets={resets} />
        </Card>
      </Box>
    </Box>
  );
};

export default Dashboard;
