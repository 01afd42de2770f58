import type { LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AppModule } from 'src/app.module';
import { configureApp } from 'src/app.setup';
import { Clock } from 'src/common/clock';
import { loadConfig, type AppConfig } from 'src/config/app-config';
import type { MethodFactorType } from 'src/two-factor/factor-registry';
import { TwoFactorModule } from 'src/two-factor/two-factor.module';
import { FakeClock } from './fake-clock';
import { SmtpCapture } from './smtp-capture';
import { freshDatabaseUrl } from './test-database';

export const BOOTSTRAP_ADMIN = {
  email: 'root-admin@example.com',
  password: 'bootstrap-password-1',
};

export interface TestApp {
  app: NestExpressApplication;
  http: TestAgent;
  /** Requests that carry `token` as `Authorization: Bearer`. */
  as(token: string): TestAgent;
  clock: FakeClock;
  config: AppConfig;
  /** The real SMTP server every mail of this app goes to. */
  mail: SmtpCapture;
  /** Everything the app logged, kept instead of printed. */
  logs: CapturedLogs;
  close(): Promise<void>;
}

/** The real app over a real, empty database, with a clock the test controls. */
export async function startTestApp(
  env: Record<string, string> = {},
  /** Lets a test route the app's database connection, e.g. through a proxy it controls. */
  rewriteDatabaseUrl: (url: string) => string = (url) => url,
  /**
   * The AdminJS panel needs `node --experimental-vm-modules` (the panel Jest project).
   * `extraFactors` registers methods kept outside src/ (TwoFactorModule.withExtraFactors).
   */
  options: { adminPanel?: boolean; extraFactors?: MethodFactorType[] } = {},
): Promise<TestApp> {
  const database = await freshDatabaseUrl();
  const mail = new SmtpCapture();
  const { url: smtpUrl } = await mail.start();
  const config = loadConfig({
    SMTP_URL: smtpUrl,
    DATABASE_URL: rewriteDatabaseUrl(database.url),
    GATEKEEPER_VAR_DIR: mkdtempSync(join(tmpdir(), 'gatekeeper-var-')),
    ADMIN_EMAIL: BOOTSTRAP_ADMIN.email,
    ADMIN_PASSWORD: BOOTSTRAP_ADMIN.password,
    RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  const clock = new FakeClock();
  const logs = new CapturedLogs();
  const moduleRef = await Test.createTestingModule({
    imports: [
      AppModule.forRoot(config, { adminPanel: options.adminPanel }),
      ...(options.extraFactors ? [TwoFactorModule.withExtraFactors(options.extraFactors)] : []),
    ],
  })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    logger: logs,
  });
  configureApp(app, config);
  await app.init();
  return {
    app,
    http: request(app.getHttpServer()),
    as: (token) => request.agent(app.getHttpServer()).auth(token, { type: 'bearer' }),
    clock,
    config,
    mail,
    logs,
    close: async () => {
      await app.close();
      await mail.stop();
      await database.drop();
    },
  };
}

/** Keeps the app's log lines for tests that check what is (never) logged. */
export class CapturedLogs implements LoggerService {
  readonly lines: string[] = [];

  log(message: unknown, ...context: unknown[]) {
    this.keep('log', message, context);
  }
  error(message: unknown, ...context: unknown[]) {
    this.keep('error', message, context);
  }
  warn(message: unknown, ...context: unknown[]) {
    this.keep('warn', message, context);
  }
  debug(message: unknown, ...context: unknown[]) {
    this.keep('debug', message, context);
  }
  verbose(message: unknown, ...context: unknown[]) {
    this.keep('verbose', message, context);
  }

  text(): string {
    return this.lines.join('\n');
  }

  private keep(level: string, message: unknown, context: unknown[]) {
    this.lines.push(
      `${level} ${[message, ...context].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ')}`,
    );
  }
}
