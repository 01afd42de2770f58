import type { Request } from 'express';

/** The languages the pages and the mails are written in; English when nothing says otherwise. */
export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return (LANGUAGES as readonly unknown[]).includes(value);
}

/** The first of ours the request's Accept-Language asks for; undefined when it names none. */
export function acceptedLanguage(request: Request): Language | undefined {
  if (!request.headers['accept-language']) return undefined;
  const accepted = request.acceptsLanguages(...LANGUAGES);
  return isLanguage(accepted) ? accepted : undefined;
}
