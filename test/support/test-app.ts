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
      AppModule.forRoot(config, { adminPanel: options.adminPanel, logDestination: logs }),
      ...(options.extraFactors ? [TwoFactorModule.withExtraFactors(options.extraFactors)] : []),
    ],
  })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    bufferLogs: true,
    forceCloseConnections: true, // as main.ts: a browser's idle connections never hold close()
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

/** What the app logged (pino's JSON lines), kept instead of printed. */
export class CapturedLogs {
  /** Each line as it was written. */
  readonly records: Record<string, unknown>[] = [];
  /** Each line as `<Nest level> <message> <context>`, e.g. `error Database unreachable… Errors`. */
  readonly lines: string[] = [];

  write(line: string): void {
    const record = JSON.parse(line) as { level: string; msg?: string; context?: string };
    this.records.push(record);
    const level = record.level === 'info' ? 'log' : record.level;
    this.lines.push(
      [level, record.msg, record.context].filter((part) => part !== undefined).join(' '),
    );
  }

  /** Every line whole, as JSON: what a secret must never be found in. */
  text(): string {
    return this.records.map((record) => JSON.stringify(record)).join('\n');
  }
}
