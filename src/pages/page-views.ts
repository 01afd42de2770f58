import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Application } from 'express';
import Handlebars from 'handlebars';
import { create } from 'hbs';
import type { Language } from 'src/common/languages';
import { translate } from './page-i18n';

/**
 * hbs, Express's Handlebars engine (Nest's MVC guide uses it), over the Handlebars the project
 * already has: `{{ }}` escapes every value, and nothing here registers a helper that returns
 * unescaped HTML, so a page can only show text. One layout (views/layout.hbs), partials from
 * views/partials, and `{{t "key"}}` for the catalogue.
 */
const VIEWS = join(__dirname, 'views');

export function configureViews(app: Application): void {
  const engine = create(Handlebars.create());
  const partials = join(VIEWS, 'partials');
  for (const file of readdirSync(partials).filter((name) => name.endsWith('.hbs'))) {
    engine.registerPartial(file.slice(0, -4), readFileSync(join(partials, file), 'utf8'));
  }
  /** `{{t "key" name=value}}` or `{{t key params}}`: the reader's language, escaped by the caller. */
  engine.registerHelper('t', function (this: unknown, ...args: unknown[]) {
    const options = args.pop() as { hash: Record<string, unknown>; data: { root: PageLocals } };
    const [key, params] = args as [string, Record<string, unknown> | undefined];
    return translate(options.data.root.language, key, { ...params, ...options.hash });
  });
  engine.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  engine.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  app.engine('hbs', engine.__express.bind(engine));
  app.set('views', VIEWS);
  app.set('view engine', 'hbs');
}

/** What every page's layout reads. */
export interface PageLocals {
  language: Language;
  product: string;
  /** Paths under /assets (PageAssets); the logo may be an https URL. */
  stylesheet: string;
  script: string;
  icon: string;
  logo?: string;
  /** Absent outside a page session: the page then has no form. */
  csrfToken?: string;
  titleKey: string;
  signedIn: boolean;
  admin: boolean;
  /** Where the language switch comes back to. */
  back?: string;
}
