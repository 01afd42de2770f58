import type { NextFunction, Request, Response } from 'express';

/**
 * Answers carry tokens, recovery codes and personal data: no cache, shared or the browser's, may
 * keep one (RFC 6749 5.1, ASVS 8.2.1). A route serving something public says so itself (the
 * content-hashed files under /assets).
 */
export function storeNothing(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Cache-Control', 'no-store');
  next();
}
