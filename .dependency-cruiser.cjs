// @ts-check
/**
 * The layers of src/ (docs/architecture.md), lowest first. A module may import its own layer's
 * modules only where a rule below allows it, and the layers below; never a layer above.
 *   foundation: config, common, logging, metrics, tracing, database, audit, mail, rate-limit, access
 *   domain:     policy, users, accounts, sessions, devices
 *   two-factor, then auth, then the leaves: admin, admin-panel, health, pages, support
 * `npm run lint` runs it twice: per file, and with each module folder collapsed into one node,
 * so that a cycle between module folders fails as well as one between files.
 */
const above = (...modules) => `^src/(${modules.join('|')})(/|$)`;
const layer = (from, to, comment) => ({
  name: `${from.join('+')}-stays-below`,
  comment,
  severity: 'error',
  from: { path: above(...from) },
  to: { path: above(...to.filter((module) => !from.includes(module))) },
});

const FEATURES = ['accounts', 'users', 'policy', 'devices', 'sessions', 'two-factor', 'auth'];
const LEAVES = ['admin', 'admin-panel', 'health', 'pages', 'support'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Files, or (collapsed) module folders, that import each other in a circle.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    layer(
      ['config'],
      [
        'common',
        'logging',
        'metrics',
        'tracing',
        'database',
        'audit',
        'mail',
        'rate-limit',
        'access',
        ...FEATURES,
        ...LEAVES,
      ],
      'config reads the environment and depends on nothing',
    ),
    layer(
      ['common'],
      [
        'logging',
        'metrics',
        'tracing',
        'database',
        'audit',
        'mail',
        'rate-limit',
        'access',
        ...FEATURES,
        ...LEAVES,
      ],
      'common holds the shared pieces every module may use',
    ),
    layer(
      ['logging', 'metrics', 'tracing'],
      ['database', 'audit', 'mail', 'rate-limit', 'access', ...FEATURES, ...LEAVES],
      'logs, metrics and traces stand on config and common, so every module may write them',
    ),
    layer(
      ['database', 'mail', 'access'],
      ['audit', 'rate-limit', ...FEATURES, ...LEAVES],
      'foundation services stand on config and common only',
    ),
    layer(
      ['audit', 'rate-limit'],
      ['mail', 'access', ...FEATURES, ...LEAVES],
      'foundation services stand on config, common and database',
    ),
    layer(['policy'], [...FEATURES, ...LEAVES], 'policy is decided from its own table'),
    layer(
      ['users'],
      ['accounts', 'policy', 'devices', 'sessions', 'two-factor', 'auth', ...LEAVES],
      'users is the base of the domain',
    ),
    layer(
      ['accounts'],
      ['policy', 'devices', 'sessions', 'two-factor', 'auth', ...LEAVES],
      'accounts stand on users',
    ),
    layer(
      ['sessions'],
      ['accounts', 'policy', 'devices', 'two-factor', 'auth', ...LEAVES],
      'sessions stand on users',
    ),
    layer(
      ['devices'],
      ['accounts', 'policy', 'two-factor', 'auth', ...LEAVES],
      'devices stand on sessions and users',
    ),
    layer(
      ['two-factor'],
      ['accounts', 'policy', 'devices', 'sessions', 'auth', ...LEAVES],
      'two-factor may use users, never sessions or devices',
    ),
    layer(['auth'], LEAVES, 'auth orchestrates everything below it'),
    {
      name: 'nothing-imports-a-leaf',
      comment:
        "The admin controllers, the panel, health, the pages and the support desk are leaves: only the app module (and the CLI, the support desk's) names them.",
      severity: 'error',
      from: { pathNot: ['^src/(app\\.module|cli)\\.ts$', above(...LEAVES)] },
      to: { path: above(...LEAVES) },
    },
    {
      name: 'no-leaf-imports-another-leaf',
      comment:
        'Leaves stand side by side: what two of them need (a DTO, a mapping) lives in a layer below both.',
      severity: 'error',
      from: { path: `^src/(${LEAVES.join('|')})/` },
      to: { path: above(...LEAVES), pathNot: '^src/$1/' },
    },
    {
      name: 'no-other-modules-entities',
      comment:
        "A module queries its own tables only: no runtime import of another module's entity (types are fine).",
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '\\.entity\\.ts$', pathNot: '^src/$1/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: require('node:path').join(__dirname, 'tsconfig.json') },
    exclude: { path: '\\.spec\\.ts$' },
  },
};
