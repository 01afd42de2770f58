import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from 'src/mail/mail.module';
import { SessionsModule } from 'src/sessions/sessions.module';
import { DevicesController } from './devices.controller';
import { DevicesService } from './devices.service';
import { TrustedDevice } from './trusted-device.entity';

@Module({
  imports: [TypeOrmModule.forFeature([TrustedDevice]), MailModule, SessionsModule],
  controllers: [DevicesController],
  providers: [DevicesService],
  exports: [DevicesService],
})
export class DevicesModule {}
