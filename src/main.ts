import 'reflect-metadata';
// Before anything requires `http`: the instrumentation must wrap it first (only when configured).
import { startTracing } from './tracing/tracing';
const tracing = startTracing();
import type { Server, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FirstAdminRefused, FirstStartService } from './accounts/first-start.service';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { checkDatabaseReachable } from './database/database-reachability';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) return fail(...error.problems);
    throw error;
  }
  const unreachable = await checkDatabaseReachable(config.database);
  if (unreachable) return fail(unreachable);

  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, { adminPanel: true }),
    // Logs held until configureApp hands Nest the app's logger (src/logging). Connections still
    // open at close are cut once the drain below has found no request in progress: a client that
    // connected and never sent anything (a browser's preconnect) would otherwise hold the exit.
    { bodyParser: false, bufferLogs: true, forceCloseConnections: true },
  );
  configureApp(app, config);
  for (const warning of config.unsafeOverrides) new Logger('Config').warn(warning);
  stopGracefullyOn(app, ['SIGTERM', 'SIGINT']);
  try {
    await app.listen(config.port);
  } catch (error) {
    if (!(error instanceof FirstAdminRefused)) throw error;
    await app.close();
    return fail(error.message);
  }
  printWelcome(await app.getUrl(), app.get(FirstStartService));
}

/** Answers what clients already sent, stops taking connections, closes the database, exits 0. */
function stopGracefullyOn(app: NestExpressApplication, signals: NodeJS.Signals[]): void {
  const server = app.getHttpServer();
  let active = 0;
  server.on('request', (_request, response: ServerResponse) => {
    active++;
    response.on('close', () => active--);
  });
  for (const signal of signals) {
    process.once(signal, () => {
      new Logger('Gatekeeper').log(`${signal}: shutting down`);
      drain(server, () => active)
        .then(() => app.close())
        .then(() => tracing?.shutdown())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(`gatekeeper: shutdown failed: ${String(error)}\n`);
            process.exit(1);
          },
        );
    });
  }
}

const QUIET_MS = 200;
const DRAIN_LIMIT_MS = 10_000;

/**
 * Closing the server at once would reset connections whose request has not been read yet
 * (Node closes them as idle): keep serving, asking clients to close, until no request has been in
 * progress for a moment (10 s at most).
 */
async function drain(server: Server, active: () => number): Promise<void> {
  server.on('request', (_request, response: ServerResponse) =>
    response.setHeader('Connection', 'close'),
  );
  const deadline = Date.now() + DRAIN_LIMIT_MS;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    if (active() > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= QUIET_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function printWelcome(url: string, firstStart: FirstStartService): void {
  const base = url.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  const logger = new Logger('Gatekeeper');
  logger.log(
    `Listening on ${base} — admin panel at ${base}/admin, API docs at ${base}/api/docs, health at ${base}/api/health`,
  );
  const admin = firstStart.createdAdmin;
  if (!admin) return;
  const password = admin.generatedPassword ?? '<ADMIN_PASSWORD>';
  logger.log(
    [
      `First start: created the administrator ${admin.email}.`,
      admin.generatedPassword ? `Password (shown once): ${admin.generatedPassword}` : '',
      // The panel asks for a second factor, which the pages let the administrator set up first.
      `Sign in at ${base}/ and set up a second factor under Two-factor authentication; then the admin panel at ${base}/admin lets you in with it.`,
      `From a script: curl -X POST ${base}/api/auth/login -H 'Content-Type: application/json' -d '{"email":"${admin.email}","password":"${password}"}'`,
    ]
      .filter(Boolean)
      .join('\n'),
  );
}

/** One line per problem, no stack trace: what an operator reads in a crash-looping container. */
function fail(...problems: string[]): void {
  for (const problem of problems) process.stderr.write(`gatekeeper: ${problem}\n`);
  process.exitCode = 1;
}

void main();
