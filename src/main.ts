import 'reflect-metadata';
// Before anything requires `http`: the instrumentation must wrap it first (only when configured).
import { startTracing } from './tracing/tracing';
const tracing = startTracing();
import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
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

/**
 * Keeps serving while requests arrive (a load balancer may still send some), then stops taking
 * connections, lets the requests in flight finish, and only then closes the app: Nest's close
 * shuts the database before the server, so a request accepted meanwhile would fail. Exits 0.
 */
function stopGracefullyOn(app: NestExpressApplication, signals: NodeJS.Signals[]): void {
  const server = app.getHttpServer();
  let active = 0;
  server.on('request', (_request, response: ServerResponse) => {
    active++;
    response.on('close', () => active--);
  });
  const quiet = () => untilQuiet(() => active);
  for (const signal of signals) {
    process.once(signal, () => {
      new Logger('Gatekeeper').log(`${signal}: shutting down`);
      server.on('request', (_request, response: ServerResponse) =>
        response.setHeader('Connection', 'close'),
      );
      quiet()
        .then(() => stopListening(server))
        .then(quiet)
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
/** Each of the two waits; with the app's close, within the 10 s a container is usually given. */
const WAIT_LIMIT_MS = 4_000;

/** Until no request has been in progress for a moment, or WAIT_LIMIT_MS. */
async function untilQuiet(active: () => number): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    if (active() > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= QUIET_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * net.Server's close, not http.Server's: that one also resets the connections accepted whose
 * request has not been read yet. Connections still idle when the app closes are cut then.
 */
function stopListening(server: Server): void {
  NetServer.prototype.close.call(server);
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
