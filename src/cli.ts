import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { ConfigError, loadConfig } from './config/app-config';
import { checkDatabaseReachable } from './database/database-reachability';
import { SupportCliModule } from './support/support-cli.module';

/**
 * The operator's command line, against the database the configuration names (the same
 * environment as the server): `npm run gatekeeper -- support grant <email> [--privileged]`.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }
  const unreachable = await checkDatabaseReachable(config.database);
  if (unreachable) return fail(unreachable);
  await CommandFactory.run(SupportCliModule.forRoot(config), {
    cliName: 'gatekeeper',
    logger: ['error', 'warn'],
    serviceErrorHandler: (error) => fail(error.message),
  });
}

function fail(message: string): void {
  process.stderr.write(`gatekeeper: ${message}\n`);
  process.exitCode = 1;
}

void main();
