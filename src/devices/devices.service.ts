import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository, type EntityManager } from 'typeorm';
import { AuditService, type AuditSubject } from 'src/audit/audit.service';
import { Clock } from 'src/common/clock';
import { CryptoService } from 'src/common/crypto/crypto.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { LIMITS } from 'src/config/limits';
import { MailService } from 'src/mail/mail.service';
import { SessionsService } from 'src/sessions/sessions.service';
import type { User } from 'src/users/user.entity';
import { deviceName } from './device-name';
import type { TrustedDeviceDto } from './devices.dto';
import { TrustedDevice } from './trusted-device.entity';

@Injectable()
export class DevicesService {
  constructor(
    @InjectRepository(TrustedDevice) private readonly devices: Repository<TrustedDevice>,
    private readonly crypto: CryptoService,
    private readonly clock: Clock,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly sessions: SessionsService,
  ) {}

  /** Returns the token once; only its HMAC is kept. The user is told by email (L3). */
  async register(user: User, requestedName: string | undefined, client: ClientInfo) {
    const token = this.crypto.randomToken();
    const now = this.clock.now();
    const device = await this.devices.save(
      this.devices.create({
        userId: user.id,
        tokenHash: this.crypto.hash(token),
        name: deviceName(requestedName, client.userAgent),
        createdAt: now,
        lastUsedAt: now,
        expiresAt: new Date(now.getTime() + LIMITS.trustedDevice.lifetimeMs),
      }),
    );
    await this.audit.record({ type: 'trusted_device.added', user, detail: device.name, client });
    await this.mail.sendTrustedDeviceAdded(user, device.name);
    return { token, device };
  }

  /** The device this token names, if it is this user's and not expired (D1, D3). */
  async recognise(userId: string, token: string): Promise<TrustedDevice | null> {
    const now = this.clock.now();
    const device = await this.devices.findOne({
      where: { tokenHash: this.crypto.hash(token), userId, expiresAt: MoreThan(now) },
    });
    if (device) await this.devices.update({ id: device.id }, { lastUsedAt: now });
    return device;
  }

  async list(userId: string, currentDeviceId: string | undefined): Promise<TrustedDeviceDto[]> {
    const devices = await this.devices.find({
      where: { userId, expiresAt: MoreThan(this.clock.now()) },
      order: { createdAt: 'DESC' },
    });
    return devices.map((device) => ({
      id: device.id,
      name: device.name,
      createdAt: device.createdAt,
      lastUsedAt: device.lastUsedAt,
      expiresAt: device.expiresAt,
      current: device.id === currentDeviceId,
    }));
  }

  /** Sessions that skipped the second factor on the device end with it (S6). */
  async remove(user: AuditSubject, deviceId: string, client: ClientInfo): Promise<void> {
    const removed = await this.devices.delete({ id: deviceId, userId: user.id });
    if (!removed.affected) throw new AppException(ErrorCode.NOT_FOUND, 'No such trusted device');
    await this.sessions.endTrustedDeviceSessions(user.id, deviceId);
    await this.audit.record({ type: 'trusted_device.removed', user, client });
  }

  /**
   * D4: on 2FA reset, removal of the last method, logout-everywhere and password change;
   * in the caller's transaction when it has one.
   */
  async revokeAll(userId: string, manager: EntityManager = this.devices.manager): Promise<void> {
    await manager.delete(TrustedDevice, { userId });
    await this.sessions.endTrustedDeviceSessions(userId);
  }
}
