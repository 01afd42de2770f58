import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from 'src/users/users.module';
import { Account } from './account.entity';
import { AccountsService } from './accounts.service';
import { FirstStartService } from './first-start.service';

@Module({
  imports: [TypeOrmModule.forFeature([Account]), UsersModule],
  providers: [AccountsService, FirstStartService],
  exports: [AccountsService],
})
export class AccountsModule {}
