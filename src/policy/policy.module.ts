import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountPolicy } from './account-policy.entity';
import { PolicyService } from './policy.service';

@Module({
  imports: [TypeOrmModule.forFeature([AccountPolicy])],
  providers: [PolicyService],
  exports: [PolicyService],
})
export class PolicyModule {}
