import { createHmac } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import session, { Store, type SessionData } from 'express-session';
import { LessThan, type Repository } from 'typeorm';
import { WebSession } from './web-session.entity';

import { LIMITS } from 'src/config/limits';
type Done<T = void> = (error?: unknown, value?: T) => void;

/**
 * express-session's store over one TypeORM table, for the admin panel's and the pages' sessions
 * (each under its own cookie). Expired rows are refused on read and swept now and then on write;
 * every statement is parameterised by TypeORM.
 */
export class WebSessionStore extends Store {
  private writes = 0;

  constructor(private readonly sessions: Repository<WebSession>) {
    super();
  }

  override get(id: string, done: Done<SessionData | null>): void {
    this.run(done, async () => {
      const row = await this.sessions.findOneBy({ id });
      if (!row || row.expiresAt <= Date.now()) return null;
      return JSON.parse(row.data) as SessionData;
    });
  }

  override set(id: string, session: SessionData, done?: Done): void {
    this.run(done, async () => {
      const expiresAt = session.cookie.expires
        ? new Date(session.cookie.expires).getTime()
        : Date.now() + LIMITS.panelSession.lifetimeMs;
      await this.sessions.upsert({ id, expiresAt, data: JSON.stringify(session) }, ['id']);
      if (++this.writes % 100 === 0)
        await this.sessions.delete({ expiresAt: LessThan(Date.now()) });
    });
  }

  override touch(id: string, session: SessionData, done?: Done): void {
    this.set(id, session, done);
  }

  override destroy(id: string, done?: Done): void {
    this.run(done, async () => {
      await this.sessions.delete({ id });
    });
  }

  private run<T>(done: Done<T> | undefined, work: () => Promise<T>): void {
    work().then(
      (value) => done?.(undefined, value),
      (error: unknown) => done?.(error),
    );
  }
}

/**
 * express-session on this store under its own cookie: HttpOnly, Secure when the request came
 * over TLS (as TRUST_PROXY lets Express tell behind a proxy), signed with a secret derived from
 * `key` for this `purpose` alone, and nothing stored before there is something to keep.
 */
export function webSession(options: {
  store: WebSessionStore;
  cookie: string;
  key: Buffer | string;
  purpose: string;
  sameSite: 'strict' | 'lax';
  path: string;
  maxAgeMs: number;
}): RequestHandler {
  const sessions = session({
    name: options.cookie,
    // express-session writes its session factory, which carries the cookie's path and SameSite,
    // onto the store it is given (`store.generate`): each cookie gets its own view of the shared
    // store, or the last one made would set every new session's cookie (the pages' gk_session
    // went out with the panel's Path=/admin, and every page form failed its CSRF check).
    store: Object.create(options.store) as WebSessionStore,
    secret: createHmac('sha256', options.key).update(options.purpose).digest('hex'),
    resave: false,
    saveUninitialized: false,
    unset: 'destroy',
    cookie: {
      httpOnly: true,
      sameSite: options.sameSite,
      path: options.path,
      secure: 'auto',
      maxAge: options.maxAgeMs,
    },
  });
  return (request, response, next) =>
    sessions(request, response, (error?: unknown) => {
      if (error) return next(error);
      savedBeforeRedirect(request, response);
      next();
    });
}

/**
 * express-session saves a changed session only after it has sent the response's headers, so a
 * browser following a redirect could ask for the next page before the session holds what this
 * request put in it (a sign-in step, a notice): a redirect waits for a changed session's save.
 * Should the save fail, the redirect still goes, and the next page reads the session as it was.
 */
function savedBeforeRedirect(request: Request, response: Response): void {
  const loaded = { id: request.sessionID, data: JSON.stringify(request.session) };
  const redirect = response.redirect.bind(response) as (...args: unknown[]) => void;
  response.redirect = (...args: unknown[]) => {
    const current = request.session;
    const changed = request.sessionID !== loaded.id || JSON.stringify(current) !== loaded.data;
    if (!current || !changed) return redirect(...args);
    current.save(() => redirect(...args));
  };
}

/** A new session id, carrying nothing over: each sign-in step starts from a fresh session. */
export function regenerateSession(request: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    request.session.regenerate((error) => (error ? reject(error as Error) : resolve())),
  );
}
