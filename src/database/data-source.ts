import 'reflect-metadata';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from 'src/config/app-config';
import { dataSourceOptions } from './database-options';

/** For the TypeORM CLI (migration:generate / migration:run) against DATABASE_URL. */
export default new DataSource(
  dataSourceOptions(loadConfig().database, [join(__dirname, '..', '**', '*.entity.{ts,js}')]),
);
