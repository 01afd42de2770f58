import { Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/** Imported by each module that counts (mail, audit) and by the app, which serves the endpoint. */
@Module({
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
