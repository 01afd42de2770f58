import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * AdminJS's front-end bundle lives in a git-ignored, non-dot folder (Express 5 will not serve
 * dot folders). It is built ahead (`npm start` runs this file first; the panel builds it at
 * start when it is missing, before listening) and AdminJS never bundles or watches on its own.
 */
export function panelBundleDir(): string {
  return resolve(process.env.ADMIN_JS_TMP_DIR ?? join(__dirname, '..', '..', 'admin-bundle'));
}

export type AdminJSModule = typeof import('adminjs');

/** The panel's own front-end components, by the name its actions give as `component`. */
export interface PanelComponents {
  componentLoader: InstanceType<AdminJSModule['ComponentLoader']>;
  /** A record action's page: what will happen, and a button that POSTs it (A6). */
  confirmRecordAction: string;
  /** The panel's home: the figures an administrator needs to decide on mandatory 2FA. */
  dashboard: string;
  /** The 2FA policy's switch, confirmed before its POST (A6). */
  policyPage: string;
  /** Platform staff's desk (H1–H4): look up, act with reason, ticket and a fresh code, trail. */
  supportDesk: string;
}

/**
 * The components AdminJS bundles with its own. They are .jsx files that only AdminJS's bundler
 * reads (nest build copies them beside the compiled panel), so the same path works from src/
 * and from dist/.
 */
export function panelComponents(adminjs: AdminJSModule): PanelComponents {
  const componentLoader = new adminjs.ComponentLoader();
  const component = (name: string, file: string) =>
    componentLoader.add(name, join(__dirname, 'components', file));
  // AdminJS's own filter drawer, with names for its close button and fields.
  componentLoader.override('FilterDrawer', join(__dirname, 'components', 'filter-drawer.jsx'));
  // AdminJS lists every page for everyone: this one lists those the signed-in person may open.
  componentLoader.override('SidebarPages', join(__dirname, 'components', 'sidebar-pages.jsx'));
  return {
    componentLoader,
    confirmRecordAction: component('ConfirmRecordAction', 'confirm-record-action.jsx'),
    dashboard: component('Dashboard', 'dashboard.jsx'),
    policyPage: component('PolicyPage', 'policy-page.jsx'),
    supportDesk: component('SupportDesk', 'support-desk.jsx'),
  };
}

/**
 * AdminJS decides between its production bundles and development ones (with a rollup watcher)
 * from NODE_ENV, read when it is first imported and when it bundles. The panel always wants
 * production, so NODE_ENV is 'production' for those moments only and put back after: the rest
 * of the process (Express, the product) keeps the environment it was started with.
 */
async function asProduction<T>(work: () => Promise<T>): Promise<T> {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    return await work();
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}

/** AdminJS is ESM-only: loaded with import(), with its bundle folder set before it reads it. */
export function importAdminJs(): Promise<AdminJSModule> {
  process.env.ADMIN_JS_TMP_DIR = panelBundleDir();
  return asProduction(() => import('adminjs'));
}

/**
 * Builds the components bundle if it is missing (or when asked), then tells AdminJS never to
 * bundle again: @adminjs/express calls `initialize()` in the background, which would rebuild it
 * whenever the app itself runs with NODE_ENV=production.
 */
export async function ensurePanelBundle(
  admin: { initialize(): Promise<void> },
  rebuild = false,
  announce: (message: string) => void = (message) => process.stdout.write(`${message}\n`),
): Promise<void> {
  if (rebuild || !existsSync(join(panelBundleDir(), 'bundle.js'))) {
    await asProduction(() =>
      withConsoleLog(announce, () => {
        delete process.env.ADMIN_JS_SKIP_BUNDLE;
        return admin.initialize();
      }),
    );
  }
  process.env.ADMIN_JS_SKIP_BUNDLE = 'true';
}

/**
 * AdminJS announces its bundling with console.log; the app passes its logger, so that in
 * production that line too is one of the log's JSON lines.
 */
async function withConsoleLog<T>(
  announce: (message: string) => void,
  work: () => Promise<T>,
): Promise<T> {
  const log = console.log;
  console.log = (...parts: unknown[]) => announce(parts.map(String).join(' '));
  try {
    return await work();
  } finally {
    console.log = log;
  }
}

async function buildAhead(): Promise<void> {
  const adminjs = await importAdminJs();
  const { componentLoader } = panelComponents(adminjs);
  await ensurePanelBundle(new adminjs.default({ rootPath: '/admin', componentLoader }), true);
  process.stdout.write(`Admin panel bundle built in ${panelBundleDir()}\n`);
}

if (require.main === module) void buildAhead();
