import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { DataSource } from 'typeorm';
import { withDatabaseLock } from './database-lock';
import { dataSourceOptions } from './database-options';
import { retryLoneStatementsOnDeadlock, Transactions } from './transactions';

/** Each module registers its own entities with TypeOrmModule.forFeature; none is listed here. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      // main.ts checks reachability first and reports it in one line, so no retry loop here.
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.database),
        autoLoadEntities: true,
        retryAttempts: 0,
      }),
      // Migrations run here, under a database lock, rather than by TypeORM on its own (C1).
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        if (dataSource.options.type !== 'better-sqlite3') retryLoneStatementsOnDeadlock(dataSource);
        await withDatabaseLock(dataSource, 'gatekeeper:migrations', () =>
          dataSource.runMigrations(),
        );
        return dataSource;
      },
    }),
  ],
  providers: [Transactions],
  exports: [Transactions],
})
export class DatabaseModule {}
