import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsModule } from 'src/metrics/metrics.module';
import { AuditEvent } from './audit-event.entity';
import { AuditService } from './audit.service';

/** Global: every module records events, none should have to import this for it. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent]), MetricsModule],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
