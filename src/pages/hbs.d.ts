/** The part of hbs (Express view engine over Handlebars; no published types) the pages use. */
declare module 'hbs' {
  import type Handlebars from 'handlebars';

  interface Instance {
    readonly handlebars: typeof Handlebars;
    __express(
      path: string,
      options: object,
      callback: (error: unknown, html?: string) => void,
    ): void;
    registerHelper: (typeof Handlebars)['registerHelper'];
    registerPartial: (typeof Handlebars)['registerPartial'];
  }

  export function create(handlebars?: typeof Handlebars): Instance;
}
