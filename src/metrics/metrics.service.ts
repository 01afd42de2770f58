import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { ErrorCode } from 'src/common/errors/error-code';
import { routePatternOf } from 'src/common/http/request-id';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';

/**
 * The Prometheus metrics: auth-domain counters whose labels come from code, never from a request
 * (so their number stays bounded), request durations by route pattern, and the process's own.
 * One registry per app, so apps a test starts side by side keep their own counts.
 */
@Injectable()
export class MetricsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly registry = new Registry();
  private server?: Server;
  /** Where METRICS_PORT's server listens, once started. */
  address?: AddressInfo;

  /** `result`: succeeded (the password was right) or failed. */
  readonly logins = new Counter({
    name: 'gatekeeper_login_total',
    help: 'Password and passkey sign-ins, by result.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  /** `method`: a method's name (`totp`, `email`, `passkey`, `recovery`); `result`: succeeded, failed, replay_refused. */
  readonly secondFactors = new Counter({
    name: 'gatekeeper_second_factor_total',
    help: 'Second-factor answers at sign-in, by method and result.',
    labelNames: ['method', 'result'] as const,
    registers: [this.registry],
  });
  readonly lockouts = new Counter({
    name: 'gatekeeper_lockouts_total',
    help: 'Sign-ins locked after too many wrong second-factor answers.',
    registers: [this.registry],
  });
  readonly codesSent = new Counter({
    name: 'gatekeeper_codes_sent_total',
    help: 'One-time codes sent, by channel.',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  readonly recoveryCodesUsed = new Counter({
    name: 'gatekeeper_recovery_codes_used_total',
    help: 'Recovery codes accepted at sign-in.',
    registers: [this.registry],
  });
  readonly adminResets = new Counter({
    name: 'gatekeeper_admin_resets_total',
    help: "Users' two-factor methods reset by an administrator.",
    registers: [this.registry],
  });
  private readonly requestDurations = new Histogram({
    name: 'gatekeeper_http_request_duration_seconds',
    help: 'HTTP request durations, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Express middleware timing each request; named, as the admin panel is placed after it. */
  readonly observeRequests = (request: Request, response: Response, next: NextFunction): void => {
    const stop = this.requestDurations.startTimer();
    response.on('finish', () =>
      stop({
        method: request.method,
        // A path a caller made up is never a label: all of them count as one.
        route: routePatternOf(request) ?? 'unmatched',
        status: String(response.statusCode),
      }),
    );
    next();
  };

  /**
   * GET /metrics, for the app's port when METRICS_TOKEN is set and for METRICS_PORT's server.
   * With a token, a caller without it gets 401 and nothing else.
   */
  readonly serve = (request: IncomingMessage, response: ServerResponse): void => {
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      response.end(body);
    };
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      send(404, 'application/json', error(404, ErrorCode.NOT_FOUND, 'Not found'));
    } else if (this.config.metricsToken && !this.authorized(request.headers.authorization)) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      send(
        401,
        'application/json',
        error(401, ErrorCode.UNAUTHENTICATED, 'A metrics token is required'),
      );
    } else {
      this.registry.metrics().then(
        (text) => send(200, this.registry.contentType, text),
        () => send(500, 'application/json', error(500, ErrorCode.INTERNAL_ERROR, 'Internal error')),
      );
    }
  };

  /** METRICS_PORT's own server, if configured: Prometheus scrapes it, the public never sees it. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.metricsPort === undefined) return;
    const server = createServer(this.serve);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.metricsPort, resolve);
    });
    this.address = server.address() as AddressInfo;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private authorized(header: string | undefined): boolean {
    const given = /^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '';
    // Hashed first, so the comparison takes as long whatever the length of what was sent.
    const digest = (text: string) => createHash('sha256').update(text).digest();
    return timingSafeEqual(digest(given), digest(this.config.metricsToken ?? ''));
  }
}

function error(statusCode: number, code: ErrorCode, message: string): string {
  return JSON.stringify({ statusCode, code, message });
}
